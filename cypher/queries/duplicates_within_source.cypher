// Profiles holding two or more records of the same source: duplicates inside one system.
//
// Answers: which CRM accounts (or loyalty cards) are the same person registered twice, so the source
// system itself could merge them?
//
// Parameters:
//   $source (string, default null): only this source (null: every source). Example: crm
//   $limit (int, default 100): at most this many (profile, source) pairs.
//
// Returns: one row per profile and source: profile_id, source, records (how many), source_ids,
// first_name, last_name (golden).
MATCH (p:Profile)<-[:IN_PROFILE]-(c:Customer)
WHERE p.status = 'active' AND ($source IS NULL OR c.source = $source)
WITH p, c.source AS source, collect(c.source_id) AS ids
WHERE size(ids) >= 2
RETURN p.profile_id AS profile_id, source, size(ids) AS records, ids AS source_ids,
       p.first_name AS first_name, p.last_name AS last_name
ORDER BY records DESC, profile_id, source
LIMIT $limit;
