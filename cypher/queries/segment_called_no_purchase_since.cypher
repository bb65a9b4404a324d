// Segment: contacted us by phone at least twice in N days, and has not bought since.
//
// Answers: whom should the service team call back before they leave: customers who called repeatedly
// in a recent window and have placed no order after their last call?
//
// Parameters:
//   $since (string): the start of the window (ISO date or time). Example: 2024-10-01
//   $min_calls (int, default 2): at least this many phone contacts since then.
//   $channel (string, default phone): the channel of a call.
//   $limit (int, default 100): at most this many profiles.
//
// Returns: one row per profile: profile_id, first_name, last_name, phone, calls, last_call, last_purchase.
MATCH (i:Interaction)
WHERE i.channel = $channel AND i.at >= $since AND i.profile_id IS NOT NULL
WITH i.profile_id AS profile_id, count(i) AS calls, max(i.at) AS last_call
WHERE calls >= $min_calls
MATCH (p:Profile {profile_id: profile_id})
WHERE p.status = 'active' AND (p.last_purchase IS NULL OR p.last_purchase < last_call)
RETURN p.profile_id AS profile_id, p.first_name AS first_name, p.last_name AS last_name, p.phone AS phone,
       calls, last_call, p.last_purchase AS last_purchase
ORDER BY calls DESC, last_call DESC, profile_id
LIMIT $limit;
