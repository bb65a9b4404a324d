// A household with its members: who lives together, and the evidence that says so.
//
// Answers: which profiles share this household's dwelling, landline or family email, and what does
// each of them look like (golden record, orders, revenue)?
//
// Parameters:
//   $household_id (string): the household's id (`idgraph show` names it). Example: H3f2a9c1b7e04
//
// Returns: one row per member profile: household_id, status, evidence (the kinds that made it), size,
// profile_id, first_name, last_name, city, postcode, orders, revenue, last_seen.
MATCH (h:Household {household_id: $household_id})<-[:IN_HOUSEHOLD]-(p:Profile)
RETURN h.household_id AS household_id, h.status AS status, h.evidence AS evidence, h.size AS size,
       p.profile_id AS profile_id, p.first_name AS first_name, p.last_name AS last_name, p.city AS city,
       p.postcode AS postcode, p.orders AS orders, p.revenue AS revenue, p.last_seen AS last_seen
ORDER BY profile_id;
