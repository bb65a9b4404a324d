// The profiles the customers $uids (every customer when null) are in.
CALL () {
  MATCH (c:Customer) WHERE $uids IS NULL RETURN c
  UNION ALL
  UNWIND coalesce($uids, []) AS uid
  MATCH (c:Customer {uid: uid})
  RETURN c
}
MATCH (c)-[:IN_PROFILE]->(p:Profile)
RETURN DISTINCT p.profile_id AS profile_id;
