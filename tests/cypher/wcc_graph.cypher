// A tiny graph of three weakly connected components: {a, b}, {c, d, e} and {f}.
CREATE (:WccTest {name: 'a'})-[:LINK]->(:WccTest {name: 'b'}),
       (:WccTest {name: 'c'})-[:LINK]->(:WccTest {name: 'd'})<-[:LINK]-(:WccTest {name: 'e'}),
       (:WccTest {name: 'f'});
