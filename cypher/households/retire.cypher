// Households that lost every member (status 'empty') or were merged into another (status 'merged',
// merged_into). $rows: [{household_id, status, merged_into, updated_at}].
UNWIND $rows AS row
MATCH (h:Household {household_id: row.household_id})
CALL (h) {
  MATCH (h)<-[r:IN_HOUSEHOLD]-()
  DELETE r
}
SET h.status = row.status, h.merged_into = row.merged_into, h.updated_at = row.updated_at, h.size = 0;
