// The change sequence of the last committed write transaction (0 on a new graph).
OPTIONAL MATCH (s:Sequence {key: 'change'})
RETURN coalesce(s.value, 0) AS seq;
