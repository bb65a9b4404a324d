"""Name data per culture: given names by sex and era, surnames, particles and short forms.

Written for this generator from general knowledge of naming customs; nothing is copied from the project's
own generator. Lists are in rough popularity order: ``given_pool()`` turns that order into weights
(1/sqrt(rank+8), the other era's names at a quarter) so that common names collide between strangers the
way they do in life.
Surnames are a head of real frequent names (weights falling with rank) plus a long tail built from roots and
suffixes of the culture, so that most people have a rarer name.

Cultures: DE (Germany), FR (France), NL (the Netherlands), ES (Spain), IT (Italy), UK (the United Kingdom).
"""
from __future__ import annotations


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


# Given names. "old" is for people born before 1980, "young" for the rest; a name may be in both.
GIVEN = {
    "DE": {
        ("M", "old"): _split("""Thomas, Michael, Andreas, Peter, Wolfgang, Klaus, Jürgen, Stefan, Frank, Uwe,
            Hans-Jürgen, Karl-Heinz, Günter, Dieter, Horst, Heinz, Bernd, Ralf, Johannes, Josef, Manfred, Werner,
            Gerhard, Rüdiger, Jörg, Friedrich, Helmut, Rainer, Walter, Matthias, Markus, Joachim, Hans-Peter,
            Reinhard, Torsten, Detlef, Norbert, Georg, Wilhelm, Franz, Ludwig, Łukasz, Alexander, Christian"""),
        ("M", "young"): _split("""Maximilian, Alexander, Lukas, Jonas, Leon, Felix, Paul, Tobias, Sebastian, Jan,
            Tim, Florian, Daniel, Dennis, Niklas, Moritz, Fabian, Philipp, Elias, Noah, Ben, Finn, Jannik, Lars,
            Kai, Christian, Michael, Johannes, Julian, David, Marcel, Kevin, Sören, Björn, Matthias, Simon, Jakob,
            Till, Nils, Mehmet, Luca, Benedikt, Konstantin, Hendrik, Jörn"""),
        ("F", "old"): _split("""Sabine, Susanne, Petra, Claudia, Andrea, Birgit, Monika, Karin, Ursula, Elisabeth,
            Renate, Gabriele, Brigitte, Ingrid, Jutta, Heike, Anke, Christine, Barbara, Margarete, Bärbel,
            Annegret, Angelika, Martina, Cornelia, Doris, Helga, Marion, Dagmar, Eva-Maria, Hildegard, Gisela,
            Silke, Dörte, Beate, Regina, Ulrike, Anja, Kerstin, Katrin, Agnieszka"""),
        ("F", "young"): _split("""Julia, Anna, Lena, Laura, Lea, Sophie, Marie, Hannah, Mia, Emma, Lisa, Sarah,
            Katharina, Stefanie, Franziska, Johanna, Charlotte, Greta, Maren, Jana, Nadine, Melanie, Sandra,
            Nicole, Jessica, Anne-Kathrin, Josefine, Carolin, Vanessa, Theresa, Luisa, Clara, Leonie, Paula,
            Elisabeth, Christina, Miriam, Svenja, Ayşe, Anne-Sophie, Nele"""),
    },
    "FR": {
        ("M", "old"): _split("""Jean, Pierre, Michel, Philippe, Alain, Patrick, Bernard, Jacques, Gérard, Daniel,
            Christian, Jean-Pierre, Jean-Luc, Jean-Claude, Jean-Marc, Jean-François, François, Dominique,
            Christophe, Frédéric, Laurent, Stéphane, Didier, Thierry, Éric, Pascal, Olivier, Hervé, Yves, Serge,
            Gilles, Joël, Noël, Marcel, René, André, Guy, Claude, Bruno, Denis"""),
        ("M", "young"): _split("""Nicolas, Julien, Sébastien, Guillaume, Thomas, Alexandre, Antoine, Maxime, Hugo,
            Lucas, Louis, Gabriel, Arthur, Jules, Théo, Mathéo, Raphaël, Benoît, Cédric, Grégoire, Loïc,
            Yannick, Rémi, Jérôme, Maximilien, Baptiste, Romain, Quentin, Florian, Kévin, Mehdi, Adrien, Vincent,
            Clément, Mathieu, Jean-Baptiste, Enzo, Nathan, Léo, Aurélien"""),
        ("F", "old"): _split("""Marie, Nathalie, Isabelle, Sylvie, Catherine, Françoise, Martine, Christine,
            Monique, Brigitte, Nicole, Dominique, Véronique, Anne-Marie, Marie-Claire, Marie-Hélène,
            Marie-Christine, Élisabeth, Hélène, Béatrice, Agnès, Chantal, Danielle, Michèle, Jacqueline,
            Josiane, Évelyne, Corinne, Patricia, Joséphine, Geneviève, Odile, Colette, Annick, Pascale"""),
        ("F", "young"): _split("""Sandrine, Valérie, Céline, Stéphanie, Aurélie, Émilie, Julie, Camille, Léa, Manon,
            Chloé, Inès, Jade, Louise, Emma, Zoé, Anne-Sophie, Mélanie, Océane, Gaëlle, Maëlle, Clémence,
            Pauline, Marion, Charlotte, Laura, Sarah, Audrey, Élodie, Amandine, Justine, Marie, Margaux,
            Anaïs, Lucie, Claire, Fatima, Marie-Lou, Solène"""),
    },
    "NL": {
        # Dutch official names often differ from the name a person goes by (the "roepnaam").
        ("M", "old"): _split("""Johannes, Cornelis, Hendrik, Jan, Willem, Gerrit, Pieter, Jacobus, Wilhelmus,
            Adrianus, Petrus, Gerardus, Henk, Kees, Wim, Dirk, Gert-Jan, Jan-Willem, Arie, Klaas, Teun, Hans,
            Erik, Frank, Marcel, René, Rob, Peter, Harm, Sjoerd, Albert, Theo, Ton, Joop, Arjen, Maarten"""),
        ("M", "young"): _split("""Daan, Sem, Lucas, Levi, Finn, Bram, Thijs, Jesse, Ruben, Sven, Lars, Niels, Bas,
            Koen, Joost, Sander, Wouter, Jeroen, Tijmen, Joris, Stijn, Rutger, Floris, Tim, Thomas, Max, Milan,
            Luuk, Jasper, Mohammed, Pieter, Jelle, Wessel, Gijs, Hidde, Tygo, Job"""),
        ("F", "old"): _split("""Maria, Johanna, Wilhelmina, Geertruida, Elisabeth, Cornelia, Hendrika, Anna,
            Petronella, Ingrid, Marieke, Annemieke, Petra, Monique, Saskia, Joke, Truus, Liesbeth, Mirjam,
            Marjolein, Wilma, Ria, Ans, Hennie, Tineke, Gerda, Els, Anja, Margreet, Jolanda, Sietske"""),
        ("F", "young"): _split("""Emma, Julia, Sophie, Tess, Anna, Lotte, Sanne, Fleur, Lisa, Eva, Anouk, Femke,
            Iris, Marloes, Esther, Ilse, Noor, Anne-Fleur, Marije, Roos, Maaike, Ymke, Sara, Lieke, Fenna, Isa,
            Manon, Naomi, Kim, Linda, Evelien, Fatima, Jozefien, Mare"""),
    },
    "ES": {
        ("M", "old"): _split("""Antonio, José, Manuel, Francisco, Juan, Jesús, Javier, Carlos, Miguel, Rafael,
            Pedro, Ángel, Fernando, Luis, José Luis, José Antonio, Juan Carlos, Francisco Javier, José Manuel,
            Ramón, Joaquín, Enrique, Andrés, Vicente, Jordi, Josep, Alfonso, Salvador, Emilio, Julián, Agustín,
            Tomás, Ignacio, Santiago, Félix, Íñigo"""),
        ("M", "young"): _split("""David, Daniel, Alejandro, Pablo, Sergio, Jorge, Alberto, Álvaro, Adrián, Diego,
            Raúl, Iván, Rubén, Óscar, Víctor, Gonzalo, Hugo, Martín, Mateo, Lucas, Íker, Marc, Pol, Mario,
            Nicolás, Guillermo, Jaime, Héctor, Aitor, Unai, Ignacio, Javier, Manuel, Juan José, Iñaki"""),
        ("F", "old"): _split("""María, Carmen, Dolores, Pilar, Isabel, Ana, Josefa, Francisca, Antonia, Rosa,
            Teresa, Mercedes, Concepción, Manuela, Rosario, Montserrat, Inmaculada, María José, María del Carmen,
            María Pilar, María Dolores, Encarnación, Remedios, Guadalupe, Asunción, Begoña, Amparo, Esperanza,
            Nuria, Ángeles, Milagros, Consuelo, Maite"""),
        ("F", "young"): _split("""Laura, Cristina, Marta, Lucía, Paula, Elena, Sara, Raquel, Rocío, Ainhoa, Sofía,
            Martina, Alba, Noelia, Irene, Beatriz, Nerea, Leire, Andrea, Claudia, Carla, Julia, Natalia, Silvia,
            Patricia, Ana Isabel, María, Marina, Aitana, Lola, Carlota, Itziar, Nuria, Vanesa"""),
    },
    "IT": {
        ("M", "old"): _split("""Giuseppe, Giovanni, Antonio, Mario, Luigi, Francesco, Angelo, Vincenzo, Pietro,
            Salvatore, Carlo, Franco, Domenico, Bruno, Paolo, Michele, Giorgio, Sergio, Roberto, Massimo,
            Stefano, Fabio, Gianluca, Pierluigi, Gennaro, Raffaele, Gianni, Claudio, Maurizio, Enzo, Aldo,
            Renato, Luciano, Ettore, Gian Paolo, Nicola"""),
        ("M", "young"): _split("""Alessandro, Lorenzo, Leonardo, Matteo, Andrea, Marco, Luca, Davide, Simone,
            Federico, Riccardo, Gabriele, Francesco, Tommaso, Niccolò, Emanuele, Giacomo, Edoardo, Filippo,
            Mattia, Christian, Daniele, Alessio, Manuel, Diego, Samuele, Pietro, Giuseppe, Antonio, Michele,
            Nicolò, Gianmarco"""),
        ("F", "old"): _split("""Maria, Anna, Giuseppina, Rosa, Angela, Giovanna, Teresa, Lucia, Carmela, Caterina,
            Maria Grazia, Anna Maria, Rosaria, Concetta, Antonella, Paola, Patrizia, Daniela, Laura, Gabriella,
            Elisabetta, Franca, Luisa, Assunta, Donatella, Marisa, Nadia, Loredana, Graziella, Rita,
            Mariangela, Immacolata"""),
        ("F", "young"): _split("""Francesca, Chiara, Sara, Giulia, Martina, Valentina, Alessandra, Federica,
            Silvia, Sofia, Aurora, Alice, Ginevra, Beatrice, Greta, Simona, Ilaria, Noemi, Benedetta, Lucrezia,
            Elisa, Serena, Roberta, Veronica, Eleonora, Camilla, Arianna, Alessia, Giorgia, Anna, Maria Chiara,
            Ludovica"""),
    },
    "UK": {
        ("M", "old"): _split("""David, John, Michael, Robert, Richard, Paul, Mark, Stephen, Andrew, Peter,
            Christopher, Ian, Graham, Nigel, Keith, Anthony, Edward, William, James, Alan, Brian, Kevin, Gary,
            Colin, Martin, Neil, Stuart, Gareth, Alistair, Hamish, Trevor, Barry, Derek, Malcolm, Geoffrey"""),
        ("M", "young"): _split("""Oliver, George, Harry, Jack, Jacob, Noah, Charlie, Thomas, Oscar, William,
            James, Daniel, Matthew, Alexander, Samuel, Joseph, Benjamin, Liam, Callum, Connor, Kieran, Rhys,
            Owen, Declan, Ryan, Luke, Adam, Lewis, Jamie, Ethan, Mohammed, Alfie, Archie, Finlay, Tom"""),
        ("F", "old"): _split("""Elizabeth, Margaret, Susan, Karen, Julie, Helen, Catherine, Sarah, Jennifer,
            Patricia, Linda, Christine, Deborah, Alison, Tracey, Jacqueline, Wendy, Janet, Gillian, Lesley,
            Jane, Mary, Ann, Carol, Sandra, Fiona, Siobhan, Angela, Joanne, Nicola, Rhiannon, Bridget"""),
        ("F", "young"): _split("""Olivia, Amelia, Isla, Ava, Emily, Sophie, Grace, Lily, Mia, Jessica, Emma,
            Rebecca, Samantha, Charlotte, Hannah, Lucy, Chloe, Megan, Niamh, Eilidh, Sian, Gemma, Kirsty, Zoe,
            Victoria, Laura, Holly, Ellie-May, Lily-Rose, Amy, Katie, Bethany, Freya, Poppy, Aisha"""),
    },
}

# Short forms and nicknames, official form -> what people and staff write instead.
NICKNAMES = {
    "DE": {"Johannes": ["Hans", "Johann", "Jo"], "Josef": ["Sepp", "Seppi", "Joseph"],
           "Elisabeth": ["Lisa", "Elli", "Liesl", "Sissi"], "Maximilian": ["Max", "Maxi"],
           "Alexander": ["Alex"], "Katharina": ["Kathi", "Katja", "Kati"], "Christian": ["Chris"],
           "Christine": ["Tine", "Christina"], "Michael": ["Micha", "Michi"], "Thomas": ["Tom", "Tommi"],
           "Franziska": ["Franzi"], "Andreas": ["Andi", "Andy"], "Stefanie": ["Steffi"],
           "Susanne": ["Susi", "Sanne"], "Friedrich": ["Fritz"], "Margarete": ["Grete", "Margot", "Gretel"],
           "Barbara": ["Babsi", "Bärbel"], "Wolfgang": ["Wolf"], "Wilhelm": ["Willi"], "Franz": ["Franzl"],
           "Gabriele": ["Gabi"], "Ursula": ["Uschi", "Ulla"], "Karl-Heinz": ["Kalle", "Karlheinz"],
           "Hans-Jürgen": ["Hansi", "Hans Jürgen"], "Tobias": ["Tobi"], "Sebastian": ["Basti"],
           "Johanna": ["Hanna", "Jo"], "Matthias": ["Matze", "Matthes"], "Benedikt": ["Bene"],
           "Nikolaus": ["Klaus"], "Jakob": ["Jakobus", "Köbi"], "Florian": ["Flo"], "Daniel": ["Dani"],
           "Eva-Maria": ["Eva", "Evi"], "Anne-Kathrin": ["Anne", "Anne Kathrin"], "Julia": ["Jule"],
           "Ludwig": ["Lutz"], "Georg": ["Schorsch", "Jörg"], "Christina": ["Chrissi"]},
    "FR": {"Jean-Pierre": ["JP", "Jean"], "Jean-Luc": ["Jean"], "Jean-Claude": ["Jean"],
           "Jean-Marc": ["Jean"], "Jean-François": ["Jean", "JF"], "Jean-Baptiste": ["JB", "Baptiste"],
           "François": ["Franck", "Fanfan"], "Nicolas": ["Nico"], "Frédéric": ["Fred"],
           "Catherine": ["Cathy", "Cath"], "Isabelle": ["Isa"], "Christophe": ["Chris"],
           "Alexandre": ["Alex"], "Dominique": ["Dom"], "Stéphanie": ["Steph", "Fanny"],
           "Élisabeth": ["Élise", "Babeth"], "Philippe": ["Phil"], "Maximilien": ["Max"],
           "Véronique": ["Véro"], "Sébastien": ["Seb"], "Anne-Marie": ["Anne", "Marie"],
           "Marie-Claire": ["Marie"], "Marie-Hélène": ["Marie", "Malou"], "Marie-Christine": ["Marie"],
           "Anne-Sophie": ["Anne", "Sophie"], "Guillaume": ["Guillaume", "Will"], "Raphaël": ["Raph"],
           "Mathieu": ["Math"], "Aurélien": ["Aurel"], "Valérie": ["Val"], "Joséphine": ["Josy", "Fifi"],
           "Émilie": ["Mimi"], "Marie-Lou": ["Marilou"]},
    "NL": {"Johannes": ["Hans", "Jan", "Johan", "Hannes"], "Cornelis": ["Kees", "Cor"],
           "Hendrik": ["Henk", "Hein", "Rik"], "Jacobus": ["Koos", "Jaap", "Jack"],
           "Wilhelmus": ["Wim", "Willem"], "Adrianus": ["Adrie", "Arie", "Janus"],
           "Petrus": ["Piet", "Peter"], "Gerardus": ["Gerard", "Gert", "Geert"],
           "Willem": ["Wim", "Pim"], "Wilhelmina": ["Wilma", "Mien", "Willy"],
           "Johanna": ["Joke", "Anneke", "Jo"], "Geertruida": ["Truus", "Geertje"],
           "Elisabeth": ["Lies", "Liesbeth", "Betty"], "Maria": ["Marieke", "Mieke", "Ria"],
           "Cornelia": ["Corrie", "Cor", "Nel"], "Hendrika": ["Riek", "Henny"],
           "Petronella": ["Nel", "Ellen"], "Gert-Jan": ["Gert Jan", "GJ"], "Jan-Willem": ["Jan Willem", "JW"],
           "Antonius": ["Ton", "Toon"], "Theodorus": ["Theo", "Ruud"], "Sebastiaan": ["Bas"],
           "Thomas": ["Tom"], "Maximiliaan": ["Max"], "Anne-Fleur": ["Fleur"]},
    "ES": {"José": ["Pepe", "Pepito"], "Francisco": ["Paco", "Curro", "Fran"], "Manuel": ["Manolo", "Manu"],
           "Dolores": ["Lola", "Loli"], "Concepción": ["Concha", "Conchi"], "Ignacio": ["Nacho"],
           "Jesús": ["Chus", "Chuchi"], "Guadalupe": ["Lupe"], "Rosario": ["Charo"], "Enrique": ["Quique"],
           "Antonio": ["Toni", "Antoñito"], "Alejandro": ["Álex", "Alex"], "Mercedes": ["Merche", "Mecha"],
           "Josefa": ["Pepa", "Fina"], "José Luis": ["Pepe Luis", "José", "Joselu"],
           "José Antonio": ["José", "Pepe"], "Juan Carlos": ["Juanca", "Juan"],
           "Francisco Javier": ["Javier", "Fran", "Javi"], "José Manuel": ["Chema", "José"],
           "María José": ["Majo", "Marijose"], "María del Carmen": ["Carmen", "Mari Carmen", "Maica"],
           "María Pilar": ["Pilar", "Pili"], "María Dolores": ["Loli", "Lola"], "Javier": ["Javi"],
           "Cristina": ["Cris"], "Beatriz": ["Bea"], "Guillermo": ["Guille", "Memo"], "Ramón": ["Moncho"],
           "Encarnación": ["Encarna"], "Inmaculada": ["Inma"], "Montserrat": ["Montse"],
           "Ana Isabel": ["Anabel"], "Teresa": ["Tere"], "Natalia": ["Nati"], "Juan José": ["Juanjo"]},
    "IT": {"Giuseppe": ["Beppe", "Peppe", "Pino"], "Giovanni": ["Gianni", "Nanni", "Vanni"],
           "Francesco": ["Franco", "Checco", "Ciccio"], "Salvatore": ["Totò", "Turi", "Salvo"],
           "Alessandro": ["Sandro", "Ale"], "Antonio": ["Tonino", "Toni", "Totò"], "Roberto": ["Roby"],
           "Elisabetta": ["Betta", "Elisa"], "Giuseppina": ["Pina", "Giusy"], "Domenico": ["Mimmo"],
           "Vincenzo": ["Enzo"], "Federica": ["Fede"], "Federico": ["Fede"], "Gabriele": ["Gabri"],
           "Maria Grazia": ["Grazia", "Mariagrazia"], "Anna Maria": ["Annamaria", "Anna"],
           "Raffaele": ["Lello"], "Gennaro": ["Rino"], "Leonardo": ["Leo"], "Massimo": ["Max"],
           "Valentina": ["Vale"], "Tommaso": ["Tommy"], "Concetta": ["Cettina"], "Emanuele": ["Manu"],
           "Niccolò": ["Nicolò", "Nico"], "Caterina": ["Rina"], "Gian Paolo": ["Gianpaolo"],
           "Maria Chiara": ["Mariachiara", "Chiara"], "Pierluigi": ["Pier Luigi", "Gigi"],
           "Luigi": ["Gigi"], "Immacolata": ["Imma"]},
    "UK": {"Robert": ["Bob", "Rob", "Robbie"], "William": ["Bill", "Will", "Billy"],
           "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty"], "Margaret": ["Maggie", "Peggy", "Meg"],
           "Richard": ["Rich", "Dick", "Ricky"], "James": ["Jim", "Jamie", "Jimmy"],
           "Catherine": ["Kate", "Cath", "Cathy"], "Edward": ["Ted", "Ed", "Eddie"],
           "Jennifer": ["Jen", "Jenny"], "Alexander": ["Alex", "Sandy"], "Thomas": ["Tom", "Tommy"],
           "Anthony": ["Tony"], "Rebecca": ["Becky", "Becca"], "Samantha": ["Sam"], "Samuel": ["Sam"],
           "Michael": ["Mike", "Mick"], "Christopher": ["Chris"], "Stephen": ["Steve"],
           "Andrew": ["Andy", "Drew"], "Matthew": ["Matt"], "Daniel": ["Dan", "Danny"],
           "Benjamin": ["Ben"], "Joseph": ["Joe"], "Victoria": ["Vicky", "Tori"], "Deborah": ["Debbie"],
           "Patricia": ["Pat", "Trish"], "Susan": ["Sue"], "Jacqueline": ["Jackie"], "Gillian": ["Jill"],
           "Nicola": ["Nicky"], "Alistair": ["Ali"], "Geoffrey": ["Geoff"], "Charlotte": ["Lottie"],
           "Oliver": ["Ollie"], "Jessica": ["Jess"], "Olivia": ["Liv"], "Kieran": ["Kiz"]},
}

# Surname heads (real frequent names, most frequent first) and the tail construction per culture.
SURNAME_HEAD = {
    "DE": _split("""Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann,
        Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger,
        Hofmann, Hartmann, Lange, Schmitt, Werner, Schmitz, Krause, Meier, Lehmann, Schmid, Schulze, Maier,
        Köhler, Herrmann, König, Walter, Mayer, Huber, Kaiser, Fuchs, Peters, Lang, Scholz, Möller, Weiß,
        Jung, Hahn, Schubert, Vogel, Friedrich, Keller, Günther, Frank, Berger, Winkler, Roth, Beck, Lorenz,
        Baumann, Franke, Albrecht, Schuster, Simon, Ludwig, Böhm, Winter, Kraus, Martin, Schumacher, Krämer,
        Vogt, Stein, Jäger, Otto, Sommer, Groß, Seidel, Heinrich, Brandt, Haas, Schreiber, Graf, Dietrich,
        Ziegler, Kuhn, Kühn, Pohl, Engel, Horn, Busch, Bergmann, Thomas, Voigt, Sauer, Arnold, Wolff, Pfeiffer,
        Yılmaz, Kowalski, Nowak, Wiśniewski, von Bülow, von der Heide, Özdemir"""),
    "FR": _split("""Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon,
        Michel, Lefèbvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, Lambert,
        Fontaine, Rousseau, Vincent, Muller, Lefèvre, Faure, André, Mercier, Blanc, Guérin, Boyer, Garnier,
        Chevalier, François, Legrand, Gauthier, Garcia, Perrin, Robin, Clément, Morin, Nicolas, Henry,
        Roussel, Mathieu, Gautier, Masson, Marchand, Duval, Denis, Dumont, Marie, Lemaire, Noël, Meyer,
        Dufour, Meunier, Brun, Blanchard, Giraud, Joly, Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud,
        Le Gall, Le Goff, Le Roux, Le Bihan, Lebrun, de la Fontaine, Dupont-Aignan, Saint-Martin,
        de Villiers, Benali, N'Diaye, Nguyen, Da Silva, Ferreira, Kerouac, L'Hermite"""),
    "NL": _split("""de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit,
        Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer,
        de Wit, Dijkstra, Smits, de Graaf, van der Meer, van der Linden, Kok, Jacobs, de Haan, Vermeulen,
        van den Heuvel, van der Veen, van den Broek, de Bruijn, de Bruin, van der Heijden, Schouten,
        van Beek, Willems, van Vliet, van de Ven, Hoekstra, Maas, Verhoeven, Koster, van Dam, van der Wal,
        Prins, Blom, Huisman, Peeters, de Lange, Kuipers, van Wijk, Postma, Kuiper, Veenstra, Kramer,
        van 't Hof, ter Horst, Yılmaz, El Amrani"""),
    "ES": _split("""García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Martín,
        Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Alonso, Gutiérrez, Navarro, Torres,
        Domínguez, Vázquez, Ramos, Gil, Ramírez, Serrano, Blanco, Molina, Morales, Suárez, Ortega,
        Delgado, Castro, Ortiz, Rubio, Marín, Sanz, Núñez, Iglesias, Medina, Garrido, Cortés, Castillo,
        Santos, Lozano, Guerrero, Cano, Prieto, Méndez, Cruz, Calvo, Gallego, Vidal, León, Márquez, Herrera,
        Peña, Flores, Cabrera, Campos, Vega, Fuentes, Carrasco, Diez, Caballero, Reyes, Nieto, Aguilar,
        Pascual, Santana, Herrero, Montero, Lorenzo, Hidalgo, Giménez, Ibáñez, Ferrer, Durán, Santiago,
        Benítez, Mora, Vicente, Vargas, Arias, Carmona, Crespo, Román, Pastor, Soto, Sáez, Velasco, Moya,
        Soler, Parra, Esteban, Bravo, Gallardo, Rojas, Puig, Etxeberria, Goikoetxea, Ruiz de la Prada,
        de la Fuente, del Río, de la Cruz, Pons, Vilanova, Fernández-Vega"""),
    "IT": _split("""Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno,
        Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana,
        Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone, Longo, Gentile, Martinelli,
        Vitale, Lombardo, Serra, Coppola, De Santis, D'Angelo, Marchetti, Parisi, Villa, Conte, Ferraro,
        Ferri, Fabbri, Bianco, Marini, Grasso, Valentini, Messina, Sala, De Angelis, Gatti, Pellegrini,
        Palumbo, Sanna, Farina, Rizzi, Monti, Cattaneo, Morelli, Amato, Silvestri, Mazza, Testa, Grassi,
        Pellegrino, Carbone, Giuliani, Benedetti, Barone, Rossetti, Caputo, Montanari, Guerra, Palmieri,
        Bernardi, Martino, Fiore, De Rosa, Ferretti, Bellini, Basile, Riva, Donati, Piras, Vitali, Battaglia,
        Sartori, Neri, Costantini, Milani, Pagano, Ruggiero, Sorrentino, D'Amico, Orlando, Damico,
        Dell'Acqua, Di Stefano, Lo Russo, La Rosa, Dalla Costa, Della Valle"""),
    "UK": _split("""Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson, Roberts,
        Robinson, Thompson, Wright, Walker, White, Edwards, Hughes, Green, Hall, Lewis, Harris, Clarke,
        Patel, Jackson, Wood, Turner, Martin, Cooper, Hill, Ward, Morris, Moore, Clark, Lee, King, Baker,
        Harrison, Morgan, Allen, James, Scott, Phillips, Watson, Davis, Parker, Price, Bennett, Young,
        Griffiths, Mitchell, Kelly, Cook, Carter, Richardson, Bailey, Collins, Bell, Shaw, Murphy, Miller,
        Cox, Richards, Khan, Marshall, Anderson, Simpson, Ellis, Adams, Singh, Begum, Wilkinson, Foster,
        Chapman, Powell, Webb, Rogers, Gray, Mason, Ali, Hunt, Hussain, Campbell, Matthews, Owen, Palmer,
        Holmes, Mills, Barnes, Knight, Lloyd, Butler, Russell, Barker, Fisher, Stevens, Jenkins, O'Brien,
        O'Connor, McDonald, MacDonald, McLeod, Smith-Jones, Bowes-Lyon, ap Rhys, Fitzgerald"""),
}

SURNAME_TAIL = {
    "DE": (_split("""Adler, Berg, Birk, Brand, Busch, Eich, Feld, Fisch, Grün, Haber, Hahn, Hein, Hirsch,
        Holz, Kirch, Kling, Kron, Lind, Mahl, Neu, Ober, Rosen, Sand, Schön, Stein, Stroh, Wald, Weid, Wies,
        Winter, Zimmer, Roth, Frei, Hoff, Rein, Sieg, Eber, Ham, Lieb, Stol, Brück, Dürr, Aich, Biel, Dorn,
        Eng, Fried, Gold, Hoch, Kalt, Lauten, Mittel, Bran, Ried, Tann"""),
           _split("""bach, berg, mann, er, hoff, feld, meier, huber, ling, bauer, brück, hausen, stätter,
        inger, dorf, schmidt, köhler, reuter, hagen, wald, müller, ner, ke, le, mayr, rieder, stein, thal,
        burg, horst, kamp, heimer, rath, bichler, gruber, lechner, wieser, moser, egger, beck, hammer,
        singer""")),
    "FR": (_split("""Bel, Beau, Bon, Chaf, Delam, Fon, Gir, Lam, Mar, Mor, Per, Roch, Ten, Vill, Bour,
        Chev, Duf, Gaut, Jou, Lec, Mal, Pel, Rou, Tess, Vaut, Brout, Cail, Dess, Foug, Guill, Lab, Mich,
        Pouj, Rig, Sauv, Thib, Barr, Cour, Font, Grand, Mart, Noir, Pasc, Rob, Soul, Vern, Bross, Char"""),
           _split("""ard, aud, et, ier, on, eau, ot, in, ault, elle, ois, and, ière, illon, ès, ey, y,
        ou, oux, al, ereau, ac, at, ant, as, eix, ieux, ain, enne, aux, ard, ange""")),
    "NL": (_split("""Berg, Bos, Dijk, Veen, Hoek, Meer, Wal, Broek, Heuvel, Laar, Linden, Velde, Burg, Kamp,
        Beek, Hout, Steen, Molen, Akker, Wijk, Horst, Graaf, Hof, Leeuw, Zand, Brink, Water, Kerk, Bosch,
        Dam, Loon, Rijn, Vliet, Gracht, Ruis, Zwart, Groen, Klein, Lang, Wit, Koe, Ooster, Wester, Noord,
        Zuid, Hooge"""),
           ["", "man", "er", "stra", "ink", "sma", "ing", "huis", "enga", "ema", "inga", "kamp", "hof",
            "veld", "beek", "horst"]),
    "ES": ([], []),  # Spanish surnames are two of the head list, that already gives a long tail
    "IT": (_split("""Bern, Ferr, Gall, Mar, Rinald, Sant, Vit, Bianc, Cap, Cost, Fontan, Marin, Mor, Pell,
        Riv, Ross, Sart, Serr, Vent, Zan, Bald, Cecc, Franc, Lucc, Mazz, Pagan, Tod, Cerut, Galv, Bor,
        Cald, Ders, Fior, Grim, Lan, Mart, Nard, Orsol, Pasc, Quar, Ster, Tarant, Vald, Corr"""),
           _split("""ini, elli, etti, oni, ucci, ato, ari, otti, one, esi, illo, azzi, ello, ieri, ola,
        iano, ardi, ino, etto, azzo, ese, asso, occhi, uzzi, ante, ero""")),
    "UK": (_split("""Ash, Black, Brad, Brook, Clay, Cole, Cross, Fair, Green, Hard, Hay, Kings, Lang, Mill,
        North, Shel, Stan, Thorn, West, Whit, Wood, Hol, Rad, Pen, Al, Bar, Burn, Chad, Dun, Farn, Hart,
        Lock, Mar, Pem, Ram, Sut, Wal"""),
           _split("""ley, ton, ford, worth, field, by, ham, well, wood, bridge, man, er, stead, wick,
        dale, combe, more, hurst, lake, ridge, ington, ingham, stone, brook, cliffe, croft, gate, ney,
        sby, thwaite, land""")),
}

NL_PARTICLES = ["van", "van de", "van der", "van den", "de", "ter", "van 't", "in 't"]
TAIL_PREFIX = {"FR": ["Le ", "Du ", "Des "], "IT": ["Di ", "De ", "Lo "], "NL": NL_PARTICLES}
HEAD_MASS = {"DE": 0.3, "FR": 0.25, "NL": 0.35, "ES": 1.0, "IT": 0.25, "UK": 0.35}


def given_pool(culture: str, sex: str, era: str) -> tuple[list[str], list[float]]:
    """Names of the person's era, most frequent first, plus the other era's at a quarter of the weight."""
    other = "young" if era == "old" else "old"
    weights: dict[str, float] = {}
    for group, factor in ((era, 1.0), (other, 0.25)):
        for rank, name in enumerate(GIVEN[culture][(sex, group)]):
            weights[name] = weights.get(name, 0.0) + factor / (rank + 8) ** 0.5
    return list(weights), list(weights.values())


def surname_pool(culture: str) -> tuple[list[str], list[float]]:
    """All surnames of a culture with weights summing to 1 (head by rank, tail uniform)."""
    head = SURNAME_HEAD[culture]
    raw = [1.0 / (rank + 4) ** 0.6 for rank in range(len(head))]
    total = sum(raw)
    mass = HEAD_MASS[culture]
    names = list(head)
    weights = [w / total * mass for w in raw]
    roots, suffixes = SURNAME_TAIL[culture]
    tail: list[str] = []
    seen = {n: True for n in head}
    for root in roots:
        for suffix in suffixes:
            name = root + suffix
            prefixes = TAIL_PREFIX.get(culture)
            if prefixes and len(tail) % (3 if culture == "NL" else 9) == 0:
                particle = prefixes[(len(tail) // 3) % len(prefixes)]
                name = particle + (" " if not particle.endswith(" ") else "") + name
            if name not in seen:
                seen[name] = True
                tail.append(name)
    if tail:
        names += tail
        weights += [(1.0 - mass) / len(tail)] * len(tail)
    return names, weights
