// The scored links (PROBABLY_SAME, MAYBE_SAME) with an end among the customers $uids, with evidence.
UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[r:PROBABLY_SAME|MAYBE_SAME]-(:Customer)
WITH DISTINCT r
RETURN startNode(r).uid AS a_uid, endNode(r).uid AS b_uid, r.score AS score, r.evidence AS evidence,
       CASE type(r) WHEN 'PROBABLY_SAME' THEN 'probable' ELSE 'review' END AS kind
ORDER BY a_uid, b_uid;
