// Deletes up to $batch nodes with their relationships and says how many went (tests only: cleanup).
MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted;
