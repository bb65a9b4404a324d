"""retail_eu: an independent synthetic test set for idgraph — "Kramhaus", an invented European
multi-channel retailer (web shop, stores in DE/NL/FR, an app, marketplaces, a contact centre, and a
French chain it bought in 2021), with people in Germany, France, the Netherlands, Spain, Italy and the UK.

Written without reading the project's matcher, guard or own generator, as a second opinion on its
accuracy figures. Pure standard library; one seeded ``random.Random``; no clock (the data set's "today"
is 31 Dec 2024); the same seed gives byte-identical files.

    from idgraph.lab.retail_eu import generate
    g = generate(out_dir, people=5000, seed=1)
    g.mapping_path, g.truth_path, g.households_path, g.files, g.counts

or ``python -m idgraph.lab.retail_eu OUT_DIR --people N --seed S`` (prints a JSON summary).

Files written into OUT_DIR
--------------------------
==========================  ===========  ======================================================
``shop_accounts.jsonl``     customer     web-shop accounts, JSON Lines, UTF-8
``pos_loyalty.csv``         customer     loyalty cards from the tills, ``;``, cp1252, CRLF, German headers
``maison_clients.tsv``      customer     the acquired French chain, tab, UTF-8 with BOM, CRLF, French headers
``app_users.csv``           customer     app sign-ups, comma, UTF-8
``marketplace_orders.jsonl`` interaction  orders of the shop, app and marketplaces
``support_cases.csv``       interaction  contact-centre cases, ISO times with local offsets
``web_sessions.csv``        interaction  click-stream of the web shop and the app
``truth.csv``               truth        source,record_id,person_id for every record and event with an id
``households.csv``          truth        person_id,household_id (who lives together now)
``malformed.csv``           truth        source,line,record_id,reason of every deliberately malformed row
``idgraph.yaml``            mapping      with a shared ``card_number`` identifier kind (upcoming feature)
``idgraph-basic.yaml``      mapping      the same without ``identifiers:``, works today
==========================  ===========  ======================================================

Rows at 50,000 people, seed 1: shop_accounts 27,292; pos_loyalty 11,966; maison_clients 3,407;
app_users 14,435; marketplace_orders 102,491; support_cases 9,948; web_sessions 397,941 (567,480 in
all, about 25 s to write); 56,953 customer records of 37,091 people who have one; 25,239 households.

People and households (``population``): singles 34 %, couples 25 %, families with children 16-35 24 %
(4 % with twins), single parents 6 %, flatshares 7 % (5 % with adult twins), three generations 4 %;
10 % of households named after another of the six cultures; 18 % moved (10 % of moves across a border);
70 % of couples married, name change at marriage by country (DE/UK ~80 %, FR 70 % usage name, NL 40 %,
IT 5 %, ES never), a quarter of them in 2016-2024 so older records hold the birth name; 0-3 personal
emails over time; family emails (30 % of couples); mobiles (93 %, 12 % changed number); household
landlines (20-45 % by country, more with someone over 60); shared tablets (25 %) and laptops (30 %) in
multi-person households; phone device ids renewed every 2-4 years; browser cookies reset every 1-3 years.

Error processes (``errors``, ``naming``) and their rates by source
------------------------------------------------------------------
=============================  =======  =======  =======  =======
rate (per value or row)        shop     POS      maison   app
=============================  =======  =======  =======  =======
typo per name part             1.2 %    5 %      2 %      2 %
OCR slip per name part         --       1.5 %    --       --
transliteration (ü->ue, é->e)  4 %      10 %     10 %     5 %
nickname / short form          5 %      8 %      4 %      20 %
official given name used       5 %      10 %     15 %     2 %
compound given name cut        10 %     30 %     25 %     30 %
Spanish 2nd surname dropped    25 %     35 %     30 %     40 %
Dutch particle mangled         15 %     30 %     20 %     30 %
given/family swapped           0.8 %    2 %+8 %* --       --
dob filled                     45 %     75 %     60 %     --
dob day/month swapped          0.5 %    3 %      1 %      --
dob wrong year digit           0.5 %    2 %      1 %      --
dob placeholder                0.3 %    0.8 %    --       --
email typo                     0.8 %    3 %      --       1.5 %
junk email                     --       5 %      2 %      0.7 %
junk phone                     1 %      2.5 %    --       --
second record of one person    3 %      4 %      3 %      5 %
=============================  =======  =======  =======  =======
(* "Family Given" without a comma in POS names reads as swapped.)

Shared identifiers on purpose: family emails (couples), household landlines (everyone at home), shared
tablets and laptops (household), store demo tablets in app sign-ups (3 % of sign-ups), in-store kiosks in
the click-stream (3 % of web sessions), the store's own email typed for customers (1.5 % of POS rows),
the contact centre's hotline number typed by agents (3 % of phone cases), gift orders with the
recipient's phone (2 % of orders), housemates ordering through another's account (3 %), Amazon relay
emails and Apple private-relay emails (pseudonyms that name nobody else).

Stale data: POS and the French chain are never updated (addresses, names and emails of the day of
enrolment); 30 % of shop accounts of movers kept the old address; 55 % of shop accounts keep the email
they were opened with; events use the email, phone and device of their day.

Deliberately malformed rows (listed in ``malformed.csv``; rows with a legible id keep their truth row):
shop 0.1 % lines cut off + 0.03 % banner lines; POS 0.15 % an unquoted ``;`` + 0.1 % bytes undefined
in cp1252; app 0.1 % an unquoted comma; orders 0.05 % log lines + 0.05 % ``placed_at: null``; support
0.05 % unreadable times; web 0.05 % an unquoted comma + 0.03 % ``0000-00-00`` times.

Known limits of the mapping (docs/mapping.md) this data runs into: ``address`` takes one column, so the
shop's separate ``house_number`` is not read; ``customer_ref`` names one source, so app logins in the
click-stream are linked through the device only; one ``phone_region`` per source, so French and Dutch
national numbers in the POS file are read as German.

Each module's docstring gives the details: ``population`` (people, households, change over time),
``contacts`` (emails, phones, devices over time),
``errors`` and ``naming`` (error processes), ``src_*`` (one per source: who, columns, rates), ``truth``,
``mapping``, ``build`` (the order of generation).
"""
from .build import Generated, generate

__all__ = ["Generated", "generate"]
