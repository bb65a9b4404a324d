// New customer records (the store checked their uid is not there yet), stamped for the link job and
// for resolve with the transaction's change sequence $stamp. $rows: [{uid, props: {source, source_id, names..., row_hash, run_tag, seq, attribute_keys,
// and each attribute under its own name}}].
UNWIND $rows AS row
MERGE (c:Customer {uid: row.uid})
SET c += row.props, c.resolve_seq = $stamp, c.link_seq = $stamp;
