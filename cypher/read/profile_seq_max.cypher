// The highest profile minting number (0 when there is no profile).
OPTIONAL MATCH (p:Profile)
WHERE p.seq IS NOT NULL
WITH p.seq AS seq
ORDER BY seq DESC
LIMIT 1
RETURN coalesce(seq, 0) AS seq;
