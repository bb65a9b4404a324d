// Projects the linking graph of the customers $uids (every customer when null) into the GDS catalog as
// $graph, for gds.wcc: each customer, its non-shared identifiers, its PROBABLY_SAME links and its live
// SAME_AS judgements. Nothing else links (no MAYBE_SAME, no shared identifier, no NOT_SAME_AS: resolve
// applies those afterwards). A scope from resolve is closed under these edges, so its components are
// whole.
// Seeds: a customer carries `seed`, the seq of its profile, when no record of that profile is stamped
// for resolve after resolve's watermark $after: nothing that joins that profile's records has changed, so they are still connected and
// WCC may start them in one component. GDS requires nodes with one seed to be connected; customers of a
// profile with a changed record could have split, so they get no seed and a component of their own.
CALL () {
  UNWIND CASE WHEN $uids IS NULL THEN [true] ELSE [] END AS everything  // the scan only then
  MATCH (c:Customer)
  RETURN c
  UNION ALL
  UNWIND coalesce($uids, []) AS uid
  MATCH (c:Customer {uid: uid})
  RETURN c
}
CALL (c) {
  OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
  WHERE NOT EXISTS { (p)<-[:IN_PROFILE]-(x:Customer) WHERE x.resolve_seq > $after }
  RETURN p.seq AS seed
}
CALL (c) {
  MATCH (c)-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
  WHERE NOT d.shared
  RETURN d AS other
  UNION
  MATCH (c)-[:PROBABLY_SAME]->(d:Customer)
  RETURN d AS other
  UNION
  MATCH (c)-[j:SAME_AS]->(d:Customer)
  WHERE j.deleted_at IS NULL
  RETURN d AS other
  UNION
  RETURN null AS other
}
CALL (other) {
  OPTIONAL MATCH (other:Customer)-[:IN_PROFILE]->(q:Profile)
  WHERE NOT EXISTS { (q)<-[:IN_PROFILE]-(x:Customer) WHERE x.resolve_seq > $after }
  RETURN q.seq AS other_seed
}
WITH gds.graph.project(
  $graph, c, other,
  {
    sourceNodeProperties: CASE WHEN seed IS NULL THEN {} ELSE {seed: seed} END,
    targetNodeProperties: CASE WHEN other_seed IS NULL THEN {} ELSE {seed: other_seed} END
  }
) AS g, count(seed) AS seeded
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships, seeded;
