// Erasure, step 3: the identifiers only the customers $uids hold, with their shared mark.
UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
WITH DISTINCT d
WHERE NOT EXISTS { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(o:Customer)
                   WHERE NOT o.uid IN $uids }
RETURN CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END
         AS kind,
       coalesce(d.address, d.number, d.id, d.value) AS value, coalesce(d.shared, false) AS shared;
