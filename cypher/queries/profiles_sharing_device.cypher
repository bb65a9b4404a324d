// Devices (cookies, app installs) used by the records of several profiles.
//
// Answers: which devices are shared between people (a family laptop, a shop kiosk), how many profiles
// use each, and did the guard mark them shared? A device that is not shared but spans profiles was
// used by records that other evidence keeps apart (split judgements).
//
// Parameters:
//   $min_profiles (int, default 2): only devices used by at least this many active profiles.
//   $limit (int, default 50): at most this many devices.
//
// Returns: one row per device: device, shared, shared_reason, profiles (how many), profile_ids (up to
// 10), records (how many records use it), events (how many interactions carry it).
MATCH (d:Device)<-[:USES_DEVICE]-(c:Customer)-[:IN_PROFILE]->(p:Profile)
WITH d, collect(DISTINCT p.profile_id) AS ids, count(DISTINCT c) AS records
WHERE size(ids) >= $min_profiles
RETURN d.id AS device, d.shared AS shared, d.shared_reason AS shared_reason, size(ids) AS profiles,
       ids[0..10] AS profile_ids, records, COUNT { (d)<-[:ON_DEVICE]-(:Interaction) } AS events
ORDER BY profiles DESC, device
LIMIT $limit;
