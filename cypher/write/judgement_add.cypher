// Records a judgement between two customers ($a_uid < $b_uid): SAME_AS ($kind 'same') or NOT_SAME_AS
// ('not_same'), keyed by $judgement_id (adding the same one again changes nothing), with who ($by), when
// ($at) and why ($reason). Both customers are stamped for resolve ($stamp).
MATCH (a:Customer {uid: $a_uid})
MATCH (b:Customer {uid: $b_uid})
WITH a, b WHERE $kind = 'same'
MERGE (a)-[j:SAME_AS {judgement_id: $judgement_id}]->(b)
  ON CREATE SET j.by = $by, j.at = $at, j.reason = $reason
SET a.resolve_seq = $stamp, b.resolve_seq = $stamp;

MATCH (a:Customer {uid: $a_uid})
MATCH (b:Customer {uid: $b_uid})
WITH a, b WHERE $kind = 'not_same'
MERGE (a)-[j:NOT_SAME_AS {judgement_id: $judgement_id}]->(b)
  ON CREATE SET j.by = $by, j.at = $at, j.reason = $reason
SET a.resolve_seq = $stamp, b.resolve_seq = $stamp;
