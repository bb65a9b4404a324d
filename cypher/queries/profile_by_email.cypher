// The profile behind an e-mail address: its golden record and the records that hold the address.
//
// Answers: who is jane.doe@example.com in our single customer view, and which source records say so?
// More than one row means the address is held by records of several profiles (see email_shared: a
// family or placeholder address the guard stopped from linking).
//
// Parameters:
//   $email (string): the address as stored, normalised (trimmed, lower case). Example: jane.doe@example.com
//
// Returns: one row per profile: profile_id, status, first_name, last_name, dob, email (the golden one),
// phone, customer_count, interaction_count, records (uids of its records holding the address),
// email_shared, shared_reason.
MATCH (e:Email {address: $email})<-[:HAS_EMAIL]-(c:Customer)-[:IN_PROFILE]->(p:Profile)
WITH e, p, collect(c.uid) AS records
RETURN p.profile_id AS profile_id, p.status AS status, p.first_name AS first_name, p.last_name AS last_name,
       p.dob AS dob, p.email AS email, p.phone AS phone, p.customer_count AS customer_count,
       p.interaction_count AS interaction_count, records, e.shared AS email_shared,
       e.shared_reason AS shared_reason
ORDER BY profile_id;
