// Every tie to an identifier, for a bulk export: a customer's (HAS_EMAIL, HAS_PHONE, USES_DEVICE,
// HAS_IDENTIFIER, with its origin), then an interaction's (VIA_EMAIL, VIA_PHONE, ON_DEVICE,
// VIA_IDENTIFIER); each by holder uid, kind, value.
CALL () {
  MATCH (c:Customer)-[r:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
  RETURN 0 AS part, 'customer' AS holder, c.uid AS uid, d, r.origin AS origin
  UNION ALL
  MATCH (i:Interaction)-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]->(d)
  RETURN 1 AS part, 'interaction' AS holder, i.uid AS uid, d, null AS origin
}
WITH part, holder, uid, origin,
     CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END AS kind,
     coalesce(d.address, d.number, d.id, d.value) AS value
RETURN holder, uid, kind, value, origin
ORDER BY part, uid, kind, value;
