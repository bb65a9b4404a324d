// The profiles whose records use a device or cookie id, and the interactions that carry it.
//
// Answers: whose browser is this cookie? A device used by several profiles (a family laptop, a kiosk) has
// several rows; device_shared tells whether the guard stopped it from linking.
//
// Parameters:
//   $device (string): the device or cookie id, as stored. Example: ck-5f1e2d3c4b5a
//
// Returns: one row per profile: profile_id, status, first_name, last_name, records (uids of its records
// using the device), device_shared, shared_reason, events (interactions carrying the device, all
// profiles).
MATCH (d:Device {id: $device})<-[:USES_DEVICE]-(c:Customer)-[:IN_PROFILE]->(p:Profile)
WITH d, p, collect(c.uid) AS records
RETURN p.profile_id AS profile_id, p.status AS status, p.first_name AS first_name, p.last_name AS last_name,
       records, d.shared AS device_shared, d.shared_reason AS shared_reason,
       COUNT { (d)<-[:ON_DEVICE]-(:Interaction) } AS events
ORDER BY profile_id;
