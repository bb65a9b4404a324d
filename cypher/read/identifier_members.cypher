// For the identifiers (of every kind) held by two or more customers (only those a customer of $uids
// holds; all when $uids is null): one row per (identifier, customer) with what the over-merge guard
// compares, as rows [kind, value, shared, uid, first_name, last_name, dob].
CALL () {
  // The scan of every identifier runs only when $uids is null: a WHERE on the parameter filtered it
  // after scanning them all (150,000 at 100,000 people) on every incremental run.
  UNWIND CASE WHEN $uids IS NULL THEN [true] ELSE [] END AS everything
  MATCH (d:Email|Phone|Device|Identifier)
  RETURN d
  UNION
  UNWIND coalesce($uids, []) AS uid
  MATCH (:Customer {uid: uid})-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
  RETURN d
}
WITH d
WHERE COUNT { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-() } >= 2
MATCH (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(c:Customer)
RETURN collect([CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device'
                     ELSE d.kind END,
                coalesce(d.address, d.number, d.id, d.value), coalesce(d.shared, false),
                c.uid, c.first_name, c.last_name, c.dob]) AS rows;
