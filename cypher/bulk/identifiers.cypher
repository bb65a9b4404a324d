// Every identifier (Email, Phone, Device, Identifier: a kind the mapping declares) with its shared mark,
// by kind and value, for a bulk export.
CALL () {
  MATCH (e:Email) RETURN 'email' AS kind, e.address AS value, e.shared AS shared, e.shared_reason AS reason
  UNION ALL
  MATCH (p:Phone) RETURN 'phone' AS kind, p.number AS value, p.shared AS shared, p.shared_reason AS reason
  UNION ALL
  MATCH (d:Device) RETURN 'device' AS kind, d.id AS value, d.shared AS shared, d.shared_reason AS reason
  UNION ALL
  MATCH (o:Identifier) RETURN o.kind AS kind, o.value AS value, o.shared AS shared, o.shared_reason AS reason
}
RETURN kind, value, coalesce(shared, false) AS shared, reason AS shared_reason
ORDER BY kind, value;
