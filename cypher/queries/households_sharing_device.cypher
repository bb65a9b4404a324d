// Devices (a family laptop, a tablet) used by the members of one household, or by several households.
//
// Answers: which devices does a household share, and which devices cross households (a kiosk, a
// neighbour's tablet)?
//
// Parameters:
//   $min_households (int, default 1): only devices used by members of at least this many households.
//   $limit (int, default 50): at most this many devices.
//
// Returns: one row per device: device, shared (the guard's mark), households (how many), household_ids
// (up to 10), profiles (how many member profiles use it).
MATCH (d:Device)<-[:USES_DEVICE]-(:Customer)-[:IN_PROFILE]->(p:Profile)-[:IN_HOUSEHOLD]->(h:Household)
WHERE h.status = 'active'
WITH d, collect(DISTINCT h.household_id) AS ids, count(DISTINCT p) AS profiles
WHERE size(ids) >= $min_households AND profiles >= 2
RETURN d.id AS device, d.shared AS shared, size(ids) AS households, ids[0..10] AS household_ids, profiles
ORDER BY households DESC, profiles DESC, device
LIMIT $limit;
