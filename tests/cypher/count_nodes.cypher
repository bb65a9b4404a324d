// Counts every node of the database (tests only: is the database empty?).
MATCH (n)
RETURN count(n) AS nodes;
