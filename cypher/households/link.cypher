// IN_HOUSEHOLD: $rows: [{household_id, profile_id}].
UNWIND $rows AS row
MATCH (p:Profile {profile_id: row.profile_id})
MATCH (h:Household {household_id: row.household_id})
MERGE (p)-[:IN_HOUSEHOLD]->(h);
