// One breadth-first step of resolve's scope (graph/closure.py walks it): the customers $uids that are in
// the graph and every customer one hop from them through what can put two records in one profile, old or new: a non-shared
// identifier, a PROBABLY_SAME link, a live judgement (either kind), the profile they are in now.
// One list of uids.
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
CALL (c) {
  RETURN c AS o
  UNION
  MATCH (c)-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
        <-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(o:Customer)
  WHERE NOT d.shared
  RETURN o
  UNION
  MATCH (c)-[:PROBABLY_SAME]-(o:Customer)
  RETURN o
  UNION
  MATCH (c)-[j:SAME_AS|NOT_SAME_AS]-(o:Customer)
  WHERE j.deleted_at IS NULL
  RETURN o
  UNION
  MATCH (c)-[:IN_PROFILE]->(:Profile)<-[:IN_PROFILE]-(o:Customer)
  RETURN o
}
RETURN collect(DISTINCT o.uid) AS uids;
