// The judgements touching the customers $uids (all when null), withdrawn ones only when
// $include_deleted, oldest first.
CALL () {
  UNWIND CASE WHEN $uids IS NULL THEN [true] ELSE [] END AS everything  // the scan only then
  MATCH (:Customer)-[j:SAME_AS|NOT_SAME_AS]->(:Customer)
  RETURN j
  UNION
  UNWIND coalesce($uids, []) AS uid
  MATCH (:Customer {uid: uid})-[j:SAME_AS|NOT_SAME_AS]-(:Customer)
  RETURN j
}
WITH j
WHERE $include_deleted OR j.deleted_at IS NULL
RETURN j.judgement_id AS judgement_id, CASE type(j) WHEN 'SAME_AS' THEN 'same' ELSE 'not_same' END AS kind,
       startNode(j).uid AS a_uid, endNode(j).uid AS b_uid, j.by AS by, j.at AS at, j.reason AS reason,
       j.deleted_at AS deleted_at
ORDER BY at, judgement_id;
