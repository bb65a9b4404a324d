// Upserts the profiles resolve computed: a new one gets its seq (minting order), created_at and
// split_from (with SPLIT_FROM to the profile it came out of); every one gets its status, updated_at and
// golden record, and loses a MERGED_INTO it may have had. $rows: [{profile_id, created: {seq,
// created_at, split_from}, props: {status, merged_into, updated_at, first_name, ..., customer_count,
// sources}}].
UNWIND $rows AS row
MERGE (p:Profile {profile_id: row.profile_id})
  ON CREATE SET p += row.created, p.interaction_count = 0
SET p += row.props
WITH p
CALL (p) {
  MATCH (p)-[m:MERGED_INTO]->()
  DELETE m
}
CALL (p) {
  MATCH (q:Profile {profile_id: p.split_from})
  MERGE (p)-[:SPLIT_FROM]->(q)
};
