// Every judgement people made, newest first: merges (SAME_AS) and splits (NOT_SAME_AS), who, when, why.
//
// Answers: what did the data stewards decide lately, and which of it was withdrawn?
//
// Parameters:
//   $include_withdrawn (bool, default false): also list withdrawn judgements (deleted_at set).
//   $limit (int, default 100): at most this many judgements.
//
// Returns: one row per judgement: judgement_id, kind (same | not_same), a, b (record uids), by, at,
// reason, deleted_at, a_profile, b_profile (where the records are now).
MATCH (a:Customer)-[j:SAME_AS|NOT_SAME_AS]->(b:Customer)
WHERE $include_withdrawn OR j.deleted_at IS NULL
OPTIONAL MATCH (a)-[:IN_PROFILE]->(pa:Profile)
OPTIONAL MATCH (b)-[:IN_PROFILE]->(pb:Profile)
RETURN j.judgement_id AS judgement_id, CASE type(j) WHEN 'SAME_AS' THEN 'same' ELSE 'not_same' END AS kind,
       a.uid AS a, b.uid AS b, j.by AS by, j.at AS at, j.reason AS reason, j.deleted_at AS deleted_at,
       pa.profile_id AS a_profile, pb.profile_id AS b_profile
ORDER BY at DESC, judgement_id
LIMIT $limit;
