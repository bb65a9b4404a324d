// Erasure, step 5: the identifiers that only the erased interactions $events carry, and that no customer
// outside $uids holds.
UNWIND $events AS uid
MATCH (:Interaction {uid: uid})-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE]->(d)
WITH DISTINCT d
WHERE NOT EXISTS { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE]-(o:Customer) WHERE NOT o.uid IN $uids }
  AND NOT EXISTS { (d)<-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE]-(o:Interaction) WHERE NOT o.uid IN $events }
RETURN CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' ELSE 'device' END AS kind,
       coalesce(d.address, d.number, d.id) AS value;
