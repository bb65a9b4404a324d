// Scored links, best first: of one type ($type: PROBABLY_SAME or MAYBE_SAME; both when null), only those
// with an end among the customers $uids when it is not null, at most $limit.
CALL () {
  UNWIND CASE WHEN $uids IS NULL THEN [true] ELSE [] END AS everything  // the scan only then
  MATCH (:Customer)-[r:PROBABLY_SAME|MAYBE_SAME]->(:Customer)
  RETURN r
  UNION
  UNWIND coalesce($uids, []) AS uid
  MATCH (:Customer {uid: uid})-[r:PROBABLY_SAME|MAYBE_SAME]-(:Customer)
  RETURN r
}
WITH r
WHERE $type IS NULL OR type(r) = $type
RETURN startNode(r).uid AS a_uid, endNode(r).uid AS b_uid, r.score AS score, r.evidence AS evidence,
       CASE type(r) WHEN 'PROBABLY_SAME' THEN 'probable' ELSE 'review' END AS kind
ORDER BY score DESC, a_uid, b_uid
LIMIT $limit;
