// Erasure, step 5: the identifiers that only the erased interactions $events carry, and that no customer
// outside $uids holds.
UNWIND $events AS uid
MATCH (:Interaction {uid: uid})-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]->(d)
WITH DISTINCT d
WHERE NOT EXISTS { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(o:Customer)
                   WHERE NOT o.uid IN $uids }
  AND NOT EXISTS { (d)<-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]-(o:Interaction)
                   WHERE NOT o.uid IN $events }
RETURN CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END
         AS kind,
       coalesce(d.address, d.number, d.id, d.value) AS value;
