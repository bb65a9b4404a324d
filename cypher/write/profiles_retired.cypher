// Retires profiles that lost all their records: merged (MERGED_INTO the profile that absorbed them) or
// emptied. $rows: [{profile_id, status, merged_into, updated_at}].
UNWIND $rows AS row
MATCH (p:Profile {profile_id: row.profile_id})
SET p.status = row.status, p.merged_into = row.merged_into, p.updated_at = row.updated_at,
    p.customer_count = 0
WITH p, row
CALL (p) {
  MATCH (p)-[m:MERGED_INTO]->()
  DELETE m
}
CALL (p, row) {
  MATCH (q:Profile {profile_id: row.merged_into})
  MERGE (p)-[:MERGED_INTO]->(q)
};
