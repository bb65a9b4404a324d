// Erasure: the redacted texts written back. $audit: [{seq, reason, details}];
// $judgements: [{judgement_id, reason}].
UNWIND $audit AS row
MATCH (a:Audit {seq: row.seq})
SET a.reason = row.reason, a.details = row.details;

UNWIND $judgements AS row
CALL (row) {
  MATCH ()-[j:SAME_AS {judgement_id: row.judgement_id}]->() RETURN j
  UNION
  MATCH ()-[j:NOT_SAME_AS {judgement_id: row.judgement_id}]->() RETURN j
}
SET j.reason = row.reason;
