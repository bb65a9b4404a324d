// What graph/attribution.py decides from, for the interactions $uids: each with the customer it names
// (BY) and that customer's profile, and its attribution now; then one row per customer holding a
// non-shared identifier it carries, with that customer's profile. Two lists of rows:
// events [uid, customer_ref, named, named_profile, profile_id], carried [uid, holder, holder_profile].
UNWIND $uids AS uid
MATCH (i:Interaction {uid: uid})
OPTIONAL MATCH (i)-[:BY]->(c:Customer)
OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
WITH i, c, p
CALL (i) {
  MATCH (i)-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]->(d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(h:Customer)
  WHERE NOT d.shared
  OPTIONAL MATCH (h)-[:IN_PROFILE]->(q:Profile)
  RETURN collect(DISTINCT [i.uid, h.uid, q.profile_id]) AS held
}
RETURN collect([i.uid, i.customer_ref, c.uid, p.profile_id, i.profile_id]) AS events,
       reduce(all = [], rows IN collect(held) | all + rows) AS carried;
