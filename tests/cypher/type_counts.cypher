// Relationships per type of the whole database (the bulk first load test compares them with the embedded store).
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS relationships
ORDER BY type;
