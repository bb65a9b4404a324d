// Moves customers into their (new) profile: IN_PROFILE replaced. $rows: [{uid, profile_id}].
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MATCH (p:Profile {profile_id: row.profile_id})
CALL (c) {
  MATCH (c)-[old:IN_PROFILE]->()
  DELETE old
}
MERGE (c)-[:IN_PROFILE]->(p);
