// Every identifier of a profile's records, with which records hold it and whether it is shared.
//
// Answers: through which e-mails, phones, devices and declared identifiers (a national id, a loyalty
// number) does this profile hang together, and which of them does it share with other people (shared =
// true: held by too many records or by people who clearly differ, so it does not link)?
//
// Parameters:
//   $profile_id (string): a profile id. Example: P3f2a9c41d0b7
//
// Returns: one row per identifier: kind (email | phone | device | a declared kind), value, shared,
// shared_reason, records (uids of the profile's records holding it), holders (how many records hold it in
// the whole graph).
MATCH (:Profile {profile_id: $profile_id})<-[:IN_PROFILE]-(c:Customer)
      -[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
WITH d, collect(c.uid) AS records
RETURN CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END
         AS kind,
       coalesce(d.address, d.number, d.id, d.value) AS value, d.shared AS shared,
       d.shared_reason AS shared_reason,
       records, COUNT { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(:Customer) } AS holders
ORDER BY kind, value;
