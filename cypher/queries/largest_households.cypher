// The active households with the most members: where to look first for a household that is too wide.
//
// Answers: which households gather the most profiles, on what evidence, and what do they spend together?
//
// Parameters:
//   $limit (int, default 20): at most this many households.
//
// Returns: one row per household, biggest first: household_id, size, evidence, members (profile ids),
// revenue (the members' revenue added up), orders.
MATCH (h:Household)<-[:IN_HOUSEHOLD]-(p:Profile)
WHERE h.status = 'active'
WITH h, collect(p.profile_id) AS members, sum(coalesce(p.revenue, 0)) AS revenue, sum(coalesce(p.orders, 0)) AS orders
RETURN h.household_id AS household_id, h.size AS size, h.evidence AS evidence, members, revenue, orders
ORDER BY size DESC, household_id
LIMIT $limit;
