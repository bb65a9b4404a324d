// The highest audit entry number (0 when there is none); new entries are numbered after it.
OPTIONAL MATCH (a:Audit)
WHERE a.seq IS NOT NULL
WITH a.seq AS seq
ORDER BY seq DESC
LIMIT 1
RETURN coalesce(seq, 0) AS seq;
