// How many records the active profiles hold: the distribution of profile sizes.
//
// Answers: how much did resolution merge? Most people have one to three records; a long tail of big
// profiles points at over-merging (see largest_profiles).
//
// Parameters: none.
//
// Returns: one row per size, smallest first: records (records per profile), profiles (how many
// profiles have that size), share (of all active profiles, 0..1).
MATCH (p:Profile)
WHERE p.status = 'active'
WITH p.customer_count AS records, count(*) AS profiles
WITH collect({records: records, profiles: profiles}) AS sizes, sum(profiles) AS total
UNWIND sizes AS s
RETURN s.records AS records, s.profiles AS profiles, round(toFloat(s.profiles) / total, 4) AS share
ORDER BY records;
