// The households a profile is in, by id.
MATCH (:Profile {profile_id: $profile_id})-[:IN_HOUSEHOLD]->(h:Household)
RETURN h.household_id AS household_id
ORDER BY household_id;
