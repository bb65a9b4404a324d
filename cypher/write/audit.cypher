// Appends audit entries numbered by the store inside the write: first the audit counter of the change
// sequence node (locked by the transaction since its first statement) moves past them, returning the
// number before them ($count: how many); then each entry is created with its number, $base + its n
// (1, 2, ...). Never a max+1 read followed by a MERGE. $rows: [{n, props: {at, action, profile_id, by,
// reason, details}}].
MATCH (s:Sequence {key: 'change'})
WITH s, s.audit AS base
SET s.audit = base + $count
RETURN base;

UNWIND $rows AS row
CREATE (a:Audit {seq: $base + row.n})
SET a += row.props;
