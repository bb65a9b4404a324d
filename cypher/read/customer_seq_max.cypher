// The highest customer arrival number (0 in an empty graph); new customers are numbered after it.
OPTIONAL MATCH (c:Customer)
WHERE c.seq IS NOT NULL
WITH c.seq AS seq
ORDER BY seq DESC
LIMIT 1
RETURN coalesce(seq, 0) AS seq;
