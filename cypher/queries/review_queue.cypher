// The review queue: pairs of records the matcher scored between its thresholds (MAYBE_SAME), best first.
//
// Answers: which uncertain pairs should a data steward look at next, with the evidence, and are they in
// one profile already? Pairs already judged (SAME_AS or NOT_SAME_AS, not withdrawn) are left out.
//
// Parameters:
//   $min_score (float, default 0.0): only pairs scored at least this.
//   $limit (int, default 50): at most this many pairs.
//
// Returns: one row per pair: a, b (record uids), score, evidence, a_name, b_name, a_profile, b_profile.
MATCH (a:Customer)-[m:MAYBE_SAME]->(b:Customer)
WHERE m.score >= $min_score
  AND NOT EXISTS { (a)-[j:SAME_AS|NOT_SAME_AS]-(b) WHERE j.deleted_at IS NULL }
OPTIONAL MATCH (a)-[:IN_PROFILE]->(pa:Profile)
OPTIONAL MATCH (b)-[:IN_PROFILE]->(pb:Profile)
RETURN a.uid AS a, b.uid AS b, m.score AS score, m.evidence AS evidence,
       trim(coalesce(a.first_name, '') + ' ' + coalesce(a.last_name, '')) AS a_name,
       trim(coalesce(b.first_name, '') + ' ' + coalesce(b.last_name, '')) AS b_name,
       pa.profile_id AS a_profile, pb.profile_id AS b_profile
ORDER BY score DESC, a, b
LIMIT $limit;
