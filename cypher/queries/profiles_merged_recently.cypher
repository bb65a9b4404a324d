// Profiles retired by a merge in the last days, with the profile that absorbed them.
//
// Answers: which profile ids stopped being current lately (a downstream system holding one should
// follow MERGED_INTO), and into what?
//
// Parameters:
//   $days (int, default 30): how many days back, from now.
//   $limit (int, default 100): at most this many profiles.
//
// Returns: one row per merged profile, latest first: profile_id, merged_at, merged_into (the profile it
// points to), current (the active profile at the end of the MERGED_INTO chain), current_records.
MATCH (p:Profile)
WHERE p.status = 'merged' AND datetime(p.updated_at) >= datetime() - duration({days: $days})
MATCH (p)-[:MERGED_INTO]->(into:Profile)
OPTIONAL MATCH (into)-[:MERGED_INTO*0..10]->(current:Profile)
WHERE current.status = 'active'
RETURN p.profile_id AS profile_id, p.updated_at AS merged_at, into.profile_id AS merged_into,
       current.profile_id AS current, current.customer_count AS current_records
ORDER BY merged_at DESC, profile_id
LIMIT $limit;
