// Deletes the scored link of one pair of customers ($a < $b) and stamps both for resolve ($stamp).
MATCH (a:Customer {uid: $a})
MATCH (b:Customer {uid: $b})
SET a.resolve_seq = $stamp, b.resolve_seq = $stamp
WITH a, b
OPTIONAL MATCH (a)-[r:PROBABLY_SAME|MAYBE_SAME]->(b)
DELETE r;
