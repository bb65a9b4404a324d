// Deletes the scored link of one pair of customers ($a < $b) and marks both for resolve.
MATCH (a:Customer {uid: $a})
MATCH (b:Customer {uid: $b})
SET a.dirty = true, b.dirty = true
WITH a, b
OPTIONAL MATCH (a)-[r:PROBABLY_SAME|MAYBE_SAME]->(b)
DELETE r;
