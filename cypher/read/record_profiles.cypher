// The profile of each record named in $uids: a customer's (IN_PROFILE), an interaction's attribution
// (its profile_id); uids not in the graph give no row.
UNWIND $uids AS uid
CALL (uid) {
  MATCH (c:Customer {uid: uid})
  OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
  RETURN p.profile_id AS profile_id
  UNION
  MATCH (i:Interaction {uid: uid})
  RETURN i.profile_id AS profile_id
}
RETURN uid, profile_id;
