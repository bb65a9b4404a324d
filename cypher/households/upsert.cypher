// Upserts households: a new one gets its seq, created_at and split_from; every one its status, size,
// evidence and updated_at. $rows: [{household_id, created: {seq, created_at, split_from}, props: {status,
// updated_at, size, evidence}}].
UNWIND $rows AS row
MERGE (h:Household {household_id: row.household_id})
  ON CREATE SET h += row.created
SET h += row.props, h.merged_into = null;
