// For the identifiers held by two or more customers (only those a customer of $uids holds; all when
// $uids is null): one row per (identifier, customer) with what the over-merge guard compares, as rows
// [kind, value, shared, uid, first_name, last_name, dob].
CALL () {
  MATCH (d:Email|Phone|Device) WHERE $uids IS NULL RETURN d
  UNION
  UNWIND coalesce($uids, []) AS uid
  MATCH (:Customer {uid: uid})-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE]->(d)
  RETURN d
}
WITH d
WHERE COUNT { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE]-() } >= 2
MATCH (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE]-(c:Customer)
RETURN collect([CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' ELSE 'device' END,
                coalesce(d.address, d.number, d.id), coalesce(d.shared, false),
                c.uid, c.first_name, c.last_name, c.dob]) AS rows;
