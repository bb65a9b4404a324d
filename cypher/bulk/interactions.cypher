// Every interaction, by uid, for a bulk export, with `by`: the customer it names when that customer is in
// the graph (BY).
MATCH (i:Interaction)
OPTIONAL MATCH (i)-[:BY]->(c:Customer)
RETURN i.uid AS uid, i.source AS source, i.source_id AS source_id, i.at AS at, i.channel AS channel,
       i.type AS type, i.customer_ref AS customer_ref, i.attributes AS attributes, i.row_hash AS row_hash,
       i.run_tag AS run_tag, i.profile_id AS profile_id, coalesce(i.resolve_seq, 0) AS resolve_seq,
       c.uid AS by
ORDER BY uid;
