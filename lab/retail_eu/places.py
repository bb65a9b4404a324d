"""Place and telecom data per country: cities with postcode ranges and landline area codes, streets,
flat notations, mobile prefixes, email providers, time-zone rules.

Country codes are the retailer's: DE, FR, NL, ES, IT, UK (ISO 3166 says GB; the shop writes ``GB`` as
the country code of UK addresses, the POS ``UK``). Phone numbers are kept as (country, prefix,
subscriber) where prefix is the area code or mobile prefix without the trunk ``0``; Italian landline
prefixes keep their ``0`` because it is part of the international number.
"""
from __future__ import annotations

COUNTRY_WEIGHTS = {"DE": 0.31, "FR": 0.2, "NL": 0.12, "ES": 0.12, "IT": 0.13, "UK": 0.12}
CALLING_CODE = {"DE": "49", "FR": "33", "NL": "31", "ES": "34", "IT": "39", "UK": "44"}
TRUNK = {"DE": "0", "FR": "0", "NL": "0", "ES": "", "IT": "", "UK": "0"}
ISO = {"DE": "DE", "FR": "FR", "NL": "NL", "ES": "ES", "IT": "IT", "UK": "GB"}

# city, weight, postcode spec, landline area code, subscriber length[, first digits of subscribers]
# postcode spec: (low, high) numeric range for 5-digit systems, (low, high) for NL 4 digits + letters,
# or a list of outward codes for the UK.
CITIES = {
    "DE": [("Berlin", 3.6, (10115, 14199), "30", 8), ("Hamburg", 1.8, (20095, 22769), "40", 8),
           ("München", 1.5, (80331, 81929), "89", 8), ("Köln", 1.1, (50667, 51149), "221", 7),
           ("Frankfurt am Main", 0.75, (60306, 60599), "69", 8), ("Stuttgart", 0.63, (70173, 70629), "711", 7),
           ("Düsseldorf", 0.62, (40210, 40629), "211", 7), ("Leipzig", 0.6, (4103, 4357), "341", 7),
           ("Dresden", 0.55, (1067, 1328), "351", 7), ("Hannover", 0.53, (30159, 30669), "511", 7),
           ("Nürnberg", 0.52, (90402, 90491), "911", 7), ("Bremen", 0.56, (28195, 28779), "421", 7),
           ("Bad Homburg vor der Höhe", 0.05, (61348, 61352), "6172", 6),
           ("Garmisch-Partenkirchen", 0.03, (82467, 82467), "8821", 6),
           ("Lüdenscheid", 0.07, (58507, 58515), "2351", 6), ("Würzburg", 0.13, (97070, 97084), "931", 7),
           ("Münster", 0.31, (48143, 48167), "251", 7), ("Göttingen", 0.12, (37073, 37085), "551", 7),
           ("Freiburg im Breisgau", 0.23, (79098, 79117), "761", 7), ("Fürth", 0.13, (90762, 90768), "911", 7),
           ("Mönchengladbach", 0.26, (41061, 41239), "2161", 6), ("Osnabrück", 0.16, (49074, 49090), "541", 7),
           ("Saarbrücken", 0.18, (66111, 66133), "681", 7), ("Regensburg", 0.15, (93047, 93059), "941", 7)],
    "FR": [("Paris", 2.1, (75001, 75020), "1", 8), ("Marseille", 0.87, (13001, 13016), "4", 8),
           ("Lyon", 0.52, (69001, 69009), "4", 8), ("Toulouse", 0.49, (31000, 31500), "5", 8),
           ("Nice", 0.34, (6000, 6300), "4", 8), ("Nantes", 0.32, (44000, 44300), "2", 8),
           ("Strasbourg", 0.29, (67000, 67200), "3", 8), ("Montpellier", 0.3, (34000, 34090), "4", 8),
           ("Bordeaux", 0.26, (33000, 33800), "5", 8), ("Lille", 0.23, (59000, 59800), "3", 8),
           ("Rennes", 0.22, (35000, 35700), "2", 8), ("Saint-Étienne", 0.17, (42000, 42100), "4", 8),
           ("Aix-en-Provence", 0.14, (13090, 13100), "4", 8), ("Boulogne-Billancourt", 0.12, (92100, 92100), "1", 8),
           ("Châlons-en-Champagne", 0.04, (51000, 51000), "3", 8), ("Besançon", 0.12, (25000, 25000), "3", 8),
           ("Bourg-en-Bresse", 0.04, (1000, 1000), "4", 8), ("Saint-Quentin", 0.05, (2100, 2100), "3", 8),
           ("Annecy", 0.13, (74000, 74000), "4", 8), ("Le Havre", 0.17, (76600, 76620), "2", 8)],
    "NL": [("Amsterdam", 0.93, (1011, 1109), "20", 7), ("Rotterdam", 0.66, (3011, 3089), "10", 7),
           ("'s-Gravenhage", 0.56, (2491, 2597), "70", 7), ("Utrecht", 0.37, (3511, 3585), "30", 7),
           ("Eindhoven", 0.24, (5611, 5658), "40", 7), ("Groningen", 0.24, (9711, 9747), "50", 7),
           ("Tilburg", 0.22, (5011, 5049), "13", 7), ("Almere", 0.22, (1311, 1359), "36", 7),
           ("Breda", 0.19, (4811, 4839), "76", 7), ("Nijmegen", 0.18, (6511, 6546), "24", 7),
           ("'s-Hertogenbosch", 0.16, (5211, 5237), "73", 7), ("Haarlem", 0.17, (2011, 2037), "23", 7)],
    "ES": [("Madrid", 3.3, (28001, 28055), "91", 7), ("Barcelona", 1.6, (8001, 8042), "93", 7),
           ("Valencia", 0.8, (46001, 46026), "96", 7), ("Sevilla", 0.69, (41001, 41020), "954", 6),
           ("Zaragoza", 0.67, (50001, 50018), "976", 6), ("Málaga", 0.58, (29001, 29018), "952", 6),
           ("Bilbao", 0.35, (48001, 48015), "94", 7), ("A Coruña", 0.25, (15001, 15011), "981", 6),
           ("L'Hospitalet de Llobregat", 0.26, (8901, 8908), "93", 7), ("Palma", 0.42, (7001, 7015), "971", 6),
           ("Donostia-San Sebastián", 0.19, (20001, 20018), "943", 6)],
    "IT": [("Roma", 2.8, (118, 199), "06", 8), ("Milano", 1.4, (20121, 20162), "02", 8),
           ("Napoli", 0.92, (80121, 80147), "081", 7), ("Torino", 0.85, (10121, 10156), "011", 7),
           ("Palermo", 0.63, (90121, 90151), "091", 7), ("Genova", 0.56, (16121, 16167), "010", 7),
           ("Bologna", 0.39, (40121, 40141), "051", 7), ("Firenze", 0.36, (50121, 50145), "055", 7),
           ("Reggio nell'Emilia", 0.17, (42121, 42124), "0522", 6), ("Forlì", 0.12, (47121, 47122), "0543", 6),
           ("Sant'Antimo", 0.03, (80029, 80029), "081", 7), ("Bari", 0.32, (70121, 70132), "080", 7)],
    "UK": [("London", 8.9, ["SW1A", "SW11", "SE15", "N1", "N7", "NW3", "E8", "E17", "W2", "W12", "EC1V",
                            "WC2H"], "20", 8, "7783"),
           ("Manchester", 0.55, ["M1", "M4", "M14", "M20", "M21"], "161", 7),
           ("Birmingham", 1.1, ["B1", "B5", "B13", "B15", "B29"], "121", 7, "234567"),
           ("Leeds", 0.8, ["LS1", "LS6", "LS8", "LS17"], "113", 7, "2345"),
           ("Glasgow", 0.63, ["G1", "G3", "G12", "G41"], "141", 7),
           ("Edinburgh", 0.52, ["EH1", "EH3", "EH6", "EH10"], "131", 7),
           ("Bristol", 0.46, ["BS1", "BS6", "BS8", "BS16"], "117", 7, "93"),
           ("Liverpool", 0.5, ["L1", "L8", "L17", "L18"], "151", 7),
           ("Newcastle upon Tyne", 0.3, ["NE1", "NE2", "NE6"], "191", 7),
           ("Stoke-on-Trent", 0.26, ["ST1", "ST4", "ST6"], "1782", 6),
           ("Brighton", 0.29, ["BN1", "BN2", "BN3"], "1273", 6),
           ("Cardiff", 0.36, ["CF10", "CF11", "CF14", "CF24"], "29", 8, "2")],
}

STREETS = {
    "DE": ["Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße",
           "Birkenweg", "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße",
           "Goethestraße", "Am Markt", "Mühlenweg", "Friedrichstraße", "Wilhelmstraße", "Rosenstraße",
           "Feldstraße", "Mozartstraße", "Beethovenstraße", "Ahornweg", "Eichendorffstraße", "Jahnstraße",
           "Luisenstraße", "Königsallee", "Kastanienallee", "Sonnenallee", "Marktplatz", "Im Winkel",
           "An der Alster", "Karl-Marx-Straße", "Straße des 17. Juni", "Theodor-Heuss-Ring",
           "Lange Reihe", "Zum Sportplatz", "Alte Gasse", "Weißenburger Straße", "Schloßstraße"],
    "FR": ["rue de la République", "rue Victor Hugo", "avenue Jean Jaurès", "rue de la Gare",
           "rue Pasteur", "boulevard Voltaire", "rue du Moulin", "place de l'Église", "rue des Écoles",
           "avenue de la Libération", "rue Émile Zola", "rue Nationale", "impasse des Lilas",
           "chemin des Vignes", "rue du Général de Gaulle", "allée des Tilleuls", "rue Saint-Martin",
           "quai de la Loire", "rue de Rivoli", "boulevard de Strasbourg", "rue d'Alsace",
           "avenue du Maréchal Foch", "rue Jean Moulin", "cours Mirabeau", "rue de la Paix"],
    "NL": ["Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg", "Schoolstraat", "Prinsengracht",
           "Keizersgracht", "Julianastraat", "Beatrixlaan", "Wilhelminastraat", "Nieuwstraat",
           "Hoofdstraat", "Parallelweg", "Lindenlaan", "Eikenlaan", "Oranjestraat", "Van Goghstraat",
           "Rembrandtlaan", "Burgemeester de Withstraat", "Laan van Meerdervoort", "Oudegracht",
           "Korte Nieuwstraat", "Achter de Dom", "Sint Jansstraat"],
    "ES": ["Calle Mayor", "Calle Real", "Avenida de la Constitución", "Calle de Alcalá", "Gran Vía",
           "Calle San José", "Plaza de España", "Calle Nueva", "Avenida de Andalucía",
           "Calle de la Iglesia", "Paseo de la Castellana", "Carrer de Balmes", "Carrer de Muntaner",
           "Calle del Sol", "Calle Cervantes", "Avenida Diagonal", "Calle Larios", "Ronda de Toledo",
           "Calle Hernán Cortés", "Travesía del Conde Duque"],
    "IT": ["Via Roma", "Via Garibaldi", "Via Mazzini", "Via Dante Alighieri", "Corso Vittorio Emanuele II",
           "Via Verdi", "Via Cavour", "Piazza della Repubblica", "Via Marconi", "Via XX Settembre",
           "Via dei Mille", "Viale Europa", "Via San Francesco", "Via Nazionale", "Corso Italia",
           "Via del Corso", "Via Toledo", "Via Po", "Viale dei Giardini", "Via Sant'Antonio"],
    "UK": ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Green Lane",
           "Manor Road", "Church Street", "Main Street", "Queens Road", "Kings Road", "Mill Lane",
           "The Crescent", "Grove Road", "York Road", "Albert Road", "New Road", "St John's Road",
           "Windsor Gardens", "Orchard Close"],
}

# Street abbreviations staff and customers use: (full fragment, short fragment)
STREET_ABBREV = {
    "DE": [("straße", "str."), ("Straße", "Str."), ("straße", "strasse"), ("Straße", "Strasse"),
           ("allee", "allee"), ("weg", "weg"), ("platz", "pl.")],
    "FR": [("rue ", "r. "), ("avenue ", "av. "), ("boulevard ", "bd "), ("Général", "Gal"),
           ("place ", "pl. "), ("Saint-", "St-")],
    "NL": [("straat", "str."), ("laan", "ln."), ("Burgemeester", "Burg."), ("Sint", "St.")],
    "ES": [("Calle ", "C/ "), ("Avenida ", "Avda. "), ("Plaza ", "Pza. "), ("Paseo ", "Pº "),
           ("Carrer ", "C/ ")],
    "IT": [("Via ", "V. "), ("Piazza ", "P.za "), ("Corso ", "C.so "), ("Viale ", "V.le ")],
    "UK": [("Road", "Rd"), ("Street", "St"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Close", "Cl")],
}

# Mobile prefixes (without trunk 0) and subscriber lengths.
MOBILE = {
    "DE": [("151", 8), ("152", 8), ("157", 8), ("159", 8), ("160", 7), ("162", 7), ("170", 7),
           ("171", 7), ("172", 7), ("173", 7), ("174", 7), ("175", 7), ("176", 8), ("177", 7), ("178", 7),
           ("179", 7)],
    "FR": [("6", 8), ("6", 8), ("6", 8), ("6", 8), ("73", 7), ("75", 7), ("76", 7), ("77", 7), ("78", 7)],
    "NL": [("61", 7), ("62", 7), ("63", 7), ("64", 7), ("65", 7), ("68", 7)],
    "ES": [("6", 8), ("6", 8), ("6", 8), ("6", 8), ("71", 7), ("72", 7), ("73", 7), ("74", 7)],
    "IT": [("320", 7), ("328", 7), ("333", 7), ("338", 7), ("339", 7), ("340", 7), ("347", 7),
           ("348", 7), ("349", 7), ("366", 7), ("380", 7), ("392", 7)],
    "UK": [("74", 8), ("75", 8), ("77", 8), ("78", 8), ("79", 8)],
}

# Email providers per country, (domain, weight) for people whose address dates from before 2012 ("old")
# and after ("new").
EMAIL_DOMAINS = {
    "DE": {"old": [("web.de", 5), ("gmx.de", 5), ("t-online.de", 4), ("yahoo.de", 2), ("hotmail.de", 1),
                   ("arcor.de", 1), ("freenet.de", 1), ("googlemail.com", 2), ("aol.com", 1)],
           "new": [("gmail.com", 6), ("gmx.de", 4), ("web.de", 4), ("outlook.de", 2), ("icloud.com", 2),
                   ("posteo.de", 1), ("mailbox.org", 1), ("t-online.de", 1), ("googlemail.com", 1),
                   ("gmx.net", 1)]},
    "FR": {"old": [("orange.fr", 4), ("wanadoo.fr", 3), ("free.fr", 3), ("hotmail.fr", 3), ("laposte.net", 2),
                   ("sfr.fr", 2), ("yahoo.fr", 2), ("neuf.fr", 1), ("club-internet.fr", 1)],
           "new": [("gmail.com", 8), ("hotmail.fr", 2), ("outlook.fr", 2), ("orange.fr", 2), ("free.fr", 1),
                   ("icloud.com", 2), ("laposte.net", 1), ("proton.me", 1)]},
    "NL": {"old": [("hotmail.com", 5), ("planet.nl", 2), ("home.nl", 2), ("xs4all.nl", 1), ("zonnet.nl", 1),
                   ("kpnmail.nl", 2), ("live.nl", 2)],
           "new": [("gmail.com", 7), ("outlook.com", 2), ("hotmail.com", 2), ("ziggo.nl", 2), ("kpnmail.nl", 1),
                   ("icloud.com", 2), ("live.nl", 1)]},
    "ES": {"old": [("hotmail.com", 5), ("yahoo.es", 3), ("terra.es", 1), ("telefonica.net", 2), ("ono.com", 1),
                   ("hotmail.es", 2)],
           "new": [("gmail.com", 9), ("hotmail.com", 2), ("outlook.es", 2), ("icloud.com", 1), ("yahoo.es", 1)]},
    "IT": {"old": [("libero.it", 5), ("virgilio.it", 3), ("alice.it", 2), ("tiscali.it", 2), ("tin.it", 1),
                   ("hotmail.it", 2), ("yahoo.it", 2), ("fastwebnet.it", 1)],
           "new": [("gmail.com", 9), ("libero.it", 2), ("outlook.it", 1), ("hotmail.it", 1), ("icloud.com", 1),
                   ("pec.it", 0.2)]},
    "UK": {"old": [("hotmail.co.uk", 4), ("btinternet.com", 3), ("yahoo.co.uk", 3), ("aol.co.uk", 1),
                   ("ntlworld.com", 1), ("talktalk.net", 1), ("sky.com", 1), ("googlemail.com", 1)],
           "new": [("gmail.com", 8), ("outlook.com", 2), ("icloud.com", 2), ("hotmail.co.uk", 1), ("yahoo.com", 1),
                   ("btinternet.com", 1)]},
}

# UTC offsets in hours for standard and summer time (EU rules: last Sunday of March 01:00 UTC to last
# Sunday of October 01:00 UTC).
UTC_OFFSET = {"DE": (1, 2), "FR": (1, 2), "NL": (1, 2), "ES": (1, 2), "IT": (1, 2), "UK": (0, 1)}

# The retailer ("Kramhaus", invented): stores in Germany, France and the Netherlands.
STORE_COUNTRIES = {"DE": 0.45, "NL": 0.30, "FR": 0.25}
STORES = {
    "DE": ["0101", "0102", "0107", "0115", "0122", "0131", "0140", "0163", "0177", "0188", "0204", "0219"],
    "FR": ["0501", "0502", "0515", "0530", "0544"],
    "NL": ["0801", "0805", "0812", "0820"],
}
HOTLINE = ("DE", "800", "5892000")           # the contact centre's own freephone number
RETAIL_DOMAIN = "kramhaus.example"
