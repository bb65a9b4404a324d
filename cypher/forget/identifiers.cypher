// Erasure, step 3: the identifiers only the customers $uids hold, with their shared mark.
UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE]->(d)
WITH DISTINCT d
WHERE NOT EXISTS { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE]-(o:Customer) WHERE NOT o.uid IN $uids }
RETURN CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' ELSE 'device' END AS kind,
       coalesce(d.address, d.number, d.id) AS value, coalesce(d.shared, false) AS shared;
