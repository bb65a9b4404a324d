// Scored links of one type ($type: PROBABLY_SAME or MAYBE_SAME), best first, at most $limit.
MATCH (a:Customer)-[r:PROBABLY_SAME|MAYBE_SAME]->(b:Customer)
WHERE type(r) = $type
RETURN a.uid AS a_uid, b.uid AS b_uid, r.score AS score, r.evidence AS evidence
ORDER BY score DESC, a_uid, b_uid
LIMIT $limit;
