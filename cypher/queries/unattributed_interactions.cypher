// Interactions attributed to no profile, counted by source and by why.
//
// Answers: how much activity is anonymous, and what would attribute it? Reasons, first that applies:
// 'waiting for resolve' (new or changed since the last resolve), 'names a record not ingested'
// (customer_ref, but no such customer), 'names a record not resolved', 'no identifier', 'only shared
// identifiers', 'identifiers of several profiles' (ambiguous), 'identifiers no resolved record holds'.
//
// Parameters:
//   $source (string, default null): only interactions of this source (null: every source). Example: web
//
// Returns: one row per source and reason, most first: source, reason, interactions, examples (up to 5
// interaction uids).
OPTIONAL MATCH (w:Watermark {job: 'resolve'})
WITH coalesce(w.seq, 0) AS resolved
MATCH (i:Interaction)
WHERE i.profile_id IS NULL AND ($source IS NULL OR i.source = $source)
WITH i, resolved, EXISTS { (i)-[:BY]->(:Customer) } AS named,
     [(i)-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]->(d) | d] AS carried
WITH i, resolved, named, carried, [d IN carried WHERE NOT d.shared] AS usable
CALL (usable) {
  UNWIND usable AS d
  OPTIONAL MATCH (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(:Customer)-[:IN_PROFILE]->(p:Profile)
  RETURN count(DISTINCT p) AS reached
}
WITH i, CASE
    WHEN i.resolve_seq > resolved THEN 'waiting for resolve'
    WHEN i.customer_ref IS NOT NULL AND NOT named THEN 'names a record not ingested'
    WHEN named THEN 'names a record not resolved'
    WHEN size(carried) = 0 THEN 'no identifier'
    WHEN size(usable) = 0 THEN 'only shared identifiers'
    WHEN reached > 1 THEN 'identifiers of several profiles'
    ELSE 'identifiers no resolved record holds'
  END AS reason
RETURN i.source AS source, reason, count(*) AS interactions, collect(i.uid)[0..5] AS examples
ORDER BY source, interactions DESC, reason;
