// Nodes per label of the whole database (the bulk first load test compares them with the embedded store).
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY label;
