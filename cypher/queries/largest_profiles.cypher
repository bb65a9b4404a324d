// The active profiles with the most records: where to look first for an over-merge.
//
// Answers: which single customer views gather the most source records, from which sources, and how
// many interactions do they hold?
//
// Parameters:
//   $limit (int, default 20): at most this many profiles.
//
// Returns: one row per profile, biggest first: profile_id, records (customer_count), sources,
// first_name, last_name, email, interaction_count.
MATCH (p:Profile)
WHERE p.status = 'active'
RETURN p.profile_id AS profile_id, p.customer_count AS records, p.sources AS sources,
       p.first_name AS first_name, p.last_name AS last_name, p.email AS email,
       p.interaction_count AS interaction_count
ORDER BY records DESC, profile_id
LIMIT $limit;
