// Segment: new customers: first seen on or after a date (this month, this week).
//
// Answers: who are the people we met for the first time recently, through which channel, and have they
// bought yet?
//
// Parameters:
//   $since (string): first seen on or after this (ISO date or time). Example: 2024-12-01
//   $limit (int, default 100): at most this many profiles.
//
// Returns: one row per profile, newest first: profile_id, first_name, last_name, email, first_seen,
// last_channel, orders.
MATCH (p:Profile)
WHERE p.status = 'active' AND p.first_seen >= $since
RETURN p.profile_id AS profile_id, p.first_name AS first_name, p.last_name AS last_name, p.email AS email,
       p.first_seen AS first_seen, p.last_channel AS last_channel, p.orders AS orders
ORDER BY first_seen DESC, profile_id
LIMIT $limit;
