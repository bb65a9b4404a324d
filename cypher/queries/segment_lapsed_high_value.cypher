// Segment: lapsed high-value customers: spent a lot in total, bought nothing for a long time.
//
// Answers: whom should a win-back campaign target: profiles whose revenue is at least a threshold and
// whose last purchase is older than a number of days (measured to the traits' as_of date)?
//
// Parameters:
//   $min_revenue (float, default 200.0): lifetime revenue at least this.
//   $min_days (int, default 180): the last purchase at least this many days before as_of.
//   $limit (int, default 100): at most this many profiles.
//
// Returns: one row per profile: profile_id, first_name, last_name, email, revenue, orders, last_purchase,
// recency_days.
MATCH (p:Profile)
WHERE p.status = 'active' AND p.revenue >= $min_revenue AND p.recency_days >= $min_days
RETURN p.profile_id AS profile_id, p.first_name AS first_name, p.last_name AS last_name, p.email AS email,
       p.revenue AS revenue, p.orders AS orders, p.last_purchase AS last_purchase, p.recency_days AS recency_days
ORDER BY revenue DESC, profile_id
LIMIT $limit;
