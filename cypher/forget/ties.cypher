// Erasure: every identifier the customers $uids hold, with its shared mark and how many customers hold it.
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
RETURN c.uid AS uid,
       CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END AS kind,
       coalesce(d.address, d.number, d.id, d.value) AS value, coalesce(d.shared, false) AS shared,
       COUNT { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(:Customer) } AS holders;
