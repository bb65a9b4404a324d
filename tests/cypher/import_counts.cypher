// Counts the people and KNOWS relationships of the bulk-import round trip test.
MATCH (p:Person)
WITH count(p) AS people
OPTIONAL MATCH (:Person)-[k:KNOWS]->(:Person)
RETURN people, count(k) AS knows;
