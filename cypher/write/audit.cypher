// Appends audit entries; seq (their order) is the key. $rows: [{seq, props: {at, action, profile_id, by,
// reason, details}}].
UNWIND $rows AS row
MERGE (a:Audit {seq: row.seq})
SET a += row.props;
