// Customer records that are in no profile yet: ingested but not resolved.
//
// Answers: did resolve run after the last ingest? Every record should be IN_PROFILE after a resolve;
// rows here are waiting for the next `idgraph resolve` (to_resolve: stamped after its watermark) or were
// left behind.
//
// Parameters:
//   $source (string, default null): only records of this source (null: every source). Example: crm
//   $limit (int, default 100): at most this many records.
//
// Returns: one row per record: uid, source, source_id, first_name, last_name, run_tag (the ingest run
// that wrote it), to_resolve (changed since the last resolve read the graph).
OPTIONAL MATCH (w:Watermark {job: 'resolve'})
WITH coalesce(w.seq, 0) AS resolved
MATCH (c:Customer)
WHERE NOT EXISTS { (c)-[:IN_PROFILE]->(:Profile) }
  AND ($source IS NULL OR c.source = $source)
RETURN c.uid AS uid, c.source AS source, c.source_id AS source_id, c.first_name AS first_name,
       c.last_name AS last_name, c.run_tag AS run_tag,
       c.resolve_seq > resolved AS to_resolve
ORDER BY uid
LIMIT $limit;
