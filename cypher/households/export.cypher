// Every membership: [profile_id, household_id], by profile and household.
MATCH (p:Profile)-[:IN_HOUSEHOLD]->(h:Household)
WITH p.profile_id AS profile_id, h.household_id AS household_id
ORDER BY profile_id, household_id
RETURN collect([profile_id, household_id]) AS rows;
