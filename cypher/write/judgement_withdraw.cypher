// Withdraws a judgement: deleted_at is set (once: a withdrawn judgement keeps its first date), never
// deleted or edited otherwise. Both customers are stamped for resolve
// ($stamp). Returns the judgement, or nothing
// when there is no $judgement_id.
CALL () {
  MATCH ()-[j:SAME_AS {judgement_id: $judgement_id}]->() RETURN j
  UNION
  MATCH ()-[j:NOT_SAME_AS {judgement_id: $judgement_id}]->() RETURN j
}
SET j.deleted_at = coalesce(j.deleted_at, $at)
WITH j, startNode(j) AS a, endNode(j) AS b
SET a.resolve_seq = $stamp, b.resolve_seq = $stamp
RETURN j.judgement_id AS judgement_id, CASE type(j) WHEN 'SAME_AS' THEN 'same' ELSE 'not_same' END AS kind,
       a.uid AS a_uid, b.uid AS b_uid, j.by AS by, j.at AS at, j.reason AS reason, j.deleted_at AS deleted_at;
