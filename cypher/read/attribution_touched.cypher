// The interactions whose attribution resolve decides again, as one list (it may repeat a uid): those
// stamped for attribution after $after, those naming one of the customers $uids, and those carrying an
// identifier one of them holds (shared or not: a mark that flipped changes the answer too); every
// interaction when $uids is null.
CALL () {
  UNWIND CASE WHEN $uids IS NULL THEN [true] ELSE [] END AS everything  // the scan only then
  MATCH (i:Interaction)
  RETURN i.uid AS uid
  UNION
  MATCH (i:Interaction) WHERE $uids IS NOT NULL AND i.resolve_seq > $after RETURN i.uid AS uid
  UNION
  UNWIND coalesce($uids, []) AS uid
  MATCH (i:Interaction {customer_ref: uid})
  RETURN i.uid AS uid
  UNION
  UNWIND coalesce($uids, []) AS uid
  MATCH (:Customer {uid: uid})-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
        <-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]-(i:Interaction)
  RETURN i.uid AS uid
}
RETURN collect(uid) AS uids;
