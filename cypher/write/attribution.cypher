// Interactions' attribution decided by graph/attribution.py (only those that changed).
// $rows: [{uid, profile_id}] (a null profile_id removes the attribution).
UNWIND $rows AS row
MATCH (i:Interaction {uid: row.uid})
SET i.profile_id = row.profile_id;
