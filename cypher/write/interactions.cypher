// New or changed interaction records, stamped for attribution ($stamp); a changed one has no profile until the
// next resolve attributes it again. $rows: [{uid, props: {source, source_id, at, channel, type,
// customer_ref, attributes, row_hash, run_tag}}].
UNWIND $rows AS row
MERGE (i:Interaction {uid: row.uid})
SET i += row.props, i.resolve_seq = $stamp
REMOVE i.profile_id;
