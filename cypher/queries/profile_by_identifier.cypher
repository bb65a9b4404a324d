// The profile(s) behind any identifier: a kind the mapping declares (national_id, loyalty_number,
// handle...) or a built-in one (email, phone, device), with the records that hold it.
//
// Answers: whose national id, account number or social handle is this in our single customer view, and
// which source records say so? More than one row means records of several profiles hold it (see
// identifier_shared: a placeholder or a shared account the guard stopped from linking).
//
// Parameters:
//   $kind (string): the identifier kind, as the mapping declares it, or email, phone or device. Example: national_id
//   $value (string): the value as stored: normalised with the kind's declared steps. Example: 123456789
//
// Returns: one row per profile: profile_id, status, first_name, last_name, dob, email, phone (golden),
// customer_count, interaction_count, records (uids of its records holding the identifier),
// identifier_shared, shared_reason, events (interactions carrying it, all profiles).
CALL () {
  MATCH (d:Identifier {key: $kind + ':' + $value}) RETURN d
  UNION
  MATCH (d:Email {address: $value}) WHERE $kind = 'email' RETURN d
  UNION
  MATCH (d:Phone {number: $value}) WHERE $kind = 'phone' RETURN d
  UNION
  MATCH (d:Device {id: $value}) WHERE $kind = 'device' RETURN d
}
MATCH (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(c:Customer)-[:IN_PROFILE]->(p:Profile)
WITH d, p, collect(c.uid) AS records
RETURN p.profile_id AS profile_id, p.status AS status, p.first_name AS first_name, p.last_name AS last_name,
       p.dob AS dob, p.email AS email, p.phone AS phone, p.customer_count AS customer_count,
       p.interaction_count AS interaction_count, records, coalesce(d.shared, false) AS identifier_shared,
       d.shared_reason AS shared_reason,
       COUNT { (d)<-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]-(:Interaction) } AS events
ORDER BY profile_id;
