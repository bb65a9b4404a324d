// Every scored link (PROBABLY_SAME: kind 'probable', MAYBE_SAME: 'review'), by pair, for a bulk export.
MATCH (a:Customer)-[r:PROBABLY_SAME|MAYBE_SAME]->(b:Customer)
RETURN a.uid AS a_uid, b.uid AS b_uid, r.score AS score, r.evidence AS evidence,
       CASE type(r) WHEN 'PROBABLY_SAME' THEN 'probable' ELSE 'review' END AS kind
ORDER BY a_uid, b_uid;
