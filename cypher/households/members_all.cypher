// Every member of every active household: [household_id, profile_id, seq, status].
MATCH (m:Profile)-[:IN_HOUSEHOLD]->(h:Household)
WHERE h.status = 'active'
RETURN collect([h.household_id, m.profile_id, h.seq, h.status]) AS rows;
