// Writes scored links, one per pair of customers (a < b): whatever scored link the pair had is replaced.
// PROBABLY_SAME (kind 'probable') links two records in resolve; MAYBE_SAME (kind 'review') waits for a
// person in the review queue. $rows: [{a, b, kind, score, evidence}].
UNWIND $rows AS row
MATCH (a:Customer {uid: row.a})-[old:PROBABLY_SAME|MAYBE_SAME]-(b:Customer {uid: row.b})
DELETE old;

UNWIND [row IN $rows WHERE row.kind = 'probable'] AS row
MATCH (a:Customer {uid: row.a})
MATCH (b:Customer {uid: row.b})
MERGE (a)-[r:PROBABLY_SAME]->(b)
SET r.score = row.score, r.evidence = row.evidence;

UNWIND [row IN $rows WHERE row.kind = 'review'] AS row
MATCH (a:Customer {uid: row.a})
MATCH (b:Customer {uid: row.b})
MERGE (a)-[r:MAYBE_SAME]->(b)
SET r.score = row.score, r.evidence = row.evidence;
