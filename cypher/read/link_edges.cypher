// The edges that say "same person" from the customers $uids: to each non-shared identifier of any kind (b
// is its key 'kind:value', an Identifier's `key`), along PROBABLY_SAME (weight: the score) and along live
// SAME_AS judgements.
// Rows [a, b, kind ('identifier' | 'probable' | 'same'), weight].
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
CALL (c) {
  MATCH (c)-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
  WHERE NOT d.shared
  RETURN CASE WHEN d:Email THEN 'email:' + d.address WHEN d:Phone THEN 'phone:' + d.number
              WHEN d:Device THEN 'device:' + d.id ELSE d.key END AS b, 'identifier' AS kind, 1.0 AS weight
  UNION ALL
  MATCH (c)-[r:PROBABLY_SAME]->(o:Customer)
  RETURN o.uid AS b, 'probable' AS kind, toFloat(r.score) AS weight
  UNION ALL
  MATCH (c)-[j:SAME_AS]->(o:Customer)
  WHERE j.deleted_at IS NULL
  RETURN o.uid AS b, 'same' AS kind, 1.0 AS weight
}
RETURN collect([c.uid, b, kind, weight]) AS rows;
