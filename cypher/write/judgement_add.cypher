// Records judgements between two customers (a_uid < b_uid): SAME_AS (kind 'same') or NOT_SAME_AS
// ('not_same'), keyed by judgement_id (adding the same one again changes nothing), with who (by), when
// (at) and why (reason). Their customers are stamped for resolve ($stamp). The store checked both
// customers are in the graph. $rows: [{judgement_id, kind, a_uid, b_uid, by, at, reason}].
UNWIND [r IN $rows WHERE r.kind = 'same'] AS row
MATCH (a:Customer {uid: row.a_uid})
MATCH (b:Customer {uid: row.b_uid})
MERGE (a)-[j:SAME_AS {judgement_id: row.judgement_id}]->(b)
  ON CREATE SET j.by = row.by, j.at = row.at, j.reason = row.reason
SET a.resolve_seq = $stamp, b.resolve_seq = $stamp;

UNWIND [r IN $rows WHERE r.kind = 'not_same'] AS row
MATCH (a:Customer {uid: row.a_uid})
MATCH (b:Customer {uid: row.b_uid})
MERGE (a)-[j:NOT_SAME_AS {judgement_id: row.judgement_id}]->(b)
  ON CREATE SET j.by = row.by, j.at = row.at, j.reason = row.reason
SET a.resolve_seq = $stamp, b.resolve_seq = $stamp;
