// Erasure: the identifiers the interactions $events carry, with how many customers hold each and how many
// interactions carry it.
UNWIND $events AS uid
MATCH (i:Interaction {uid: uid})-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]->(d)
RETURN i.uid AS uid,
       CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END AS kind,
       coalesce(d.address, d.number, d.id, d.value) AS value,
       COUNT { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(:Customer) } AS holders,
       COUNT { (d)<-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]-(:Interaction) } AS carriers;
