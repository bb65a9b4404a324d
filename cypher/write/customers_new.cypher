// New customer records (the store checked their uid is not there yet), marked for the link job and
// for resolve. $rows: [{uid, props: {source, source_id, names..., row_hash, run_tag, seq, attribute_keys,
// and each attribute under its own name}}].
UNWIND $rows AS row
MERGE (c:Customer {uid: row.uid})
SET c += row.props, c.dirty = true, c.link_dirty = true;
