// Erasure, last: the change sequence of this erasure ($stamp), so that a job which read the store before
// it writes nothing computed from what went (Neo4jStore._erased_after).
MATCH (s:Sequence {key: 'change'})
SET s.erased = $stamp;
