// Before resolve: the customers $uids with their arrival number and the profile they are in (with its
// seq and status). Rows [uid, seq, profile_id, profile_seq, status].
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
RETURN collect([c.uid, c.seq, p.profile_id, p.seq, p.status]) AS rows;
