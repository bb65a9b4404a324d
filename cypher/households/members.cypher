// Every member of the active households the profiles $ids are in: [household_id, profile_id, seq, status].
UNWIND $ids AS pid
MATCH (:Profile {profile_id: pid})-[:IN_HOUSEHOLD]->(h:Household)
WHERE h.status = 'active'
WITH DISTINCT h
MATCH (m:Profile)-[:IN_HOUSEHOLD]->(h)
RETURN collect([h.household_id, m.profile_id, h.seq, h.status]) AS rows;
