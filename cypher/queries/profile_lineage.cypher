// Where a profile id came from and where it went: the MERGED_INTO and SPLIT_FROM chains around it.
//
// Answers: a downstream system holds an old profile id: what is it now? And which ids were merged into
// this profile, or which profile was it split from?
//
// Parameters:
//   $profile_id (string): any profile id, current or retired. Example: P3f2a9c41d0b7
//
// Returns: one row: profile_id, status, current (the active profile at the end of its MERGED_INTO chain,
// itself when active), merged_from (ids merged into it, at any depth), split_from, split_off (ids
// split from it).
MATCH (p:Profile {profile_id: $profile_id})
OPTIONAL MATCH (p)-[:MERGED_INTO*0..20]->(current:Profile)
WHERE current.status = 'active'
RETURN p.profile_id AS profile_id, p.status AS status, current.profile_id AS current,
       [(old:Profile)-[:MERGED_INTO*1..20]->(p) | old.profile_id] AS merged_from,
       p.split_from AS split_from,
       [(new:Profile)-[:SPLIT_FROM]->(p) | new.profile_id] AS split_off;
