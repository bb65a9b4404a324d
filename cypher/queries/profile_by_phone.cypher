// The profile behind a phone number: its golden record and the records that hold the number.
//
// Answers: whose number is +447700900123? A household landline is held by several people: more than one
// row, and phone_shared tells whether the guard stopped it from linking them.
//
// Parameters:
//   $phone (string): the number in E.164, as stored. Example: +447700900123
//
// Returns: one row per profile: profile_id, status, first_name, last_name, dob, email, phone (the golden
// one), customer_count, interaction_count, records (uids of its records holding the number),
// phone_shared, shared_reason.
MATCH (x:Phone {number: $phone})<-[:HAS_PHONE]-(c:Customer)-[:IN_PROFILE]->(p:Profile)
WITH x, p, collect(c.uid) AS records
RETURN p.profile_id AS profile_id, p.status AS status, p.first_name AS first_name, p.last_name AS last_name,
       p.dob AS dob, p.email AS email, p.phone AS phone, p.customer_count AS customer_count,
       p.interaction_count AS interaction_count, records, x.shared AS phone_shared,
       x.shared_reason AS shared_reason
ORDER BY profile_id;
