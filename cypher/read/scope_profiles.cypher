// The profiles the customers $uids (every customer when null) are in.
CALL () {
  UNWIND CASE WHEN $uids IS NULL THEN [true] ELSE [] END AS everything  // the scan only then
  MATCH (c:Customer)
  RETURN c
  UNION ALL
  UNWIND coalesce($uids, []) AS uid
  MATCH (c:Customer {uid: uid})
  RETURN c
}
MATCH (c)-[:IN_PROFILE]->(p:Profile)
RETURN DISTINCT p.profile_id AS profile_id;
