// An event that names its customer ties that customer to what the event carries (a login on a device is
// how an anonymous journey finds its person), with the event's source as origin; the customer is stamped
// for the link job and for resolve ($stamp). One statement per built-in kind, one for the declared kinds (an
// Identifier). $rows: [{customer, kind, value, origin}].
UNWIND [t IN $rows WHERE t.kind = 'email'] AS t
MATCH (c:Customer {uid: t.customer})
MATCH (e:Email {address: t.value})
MERGE (c)-[r:HAS_EMAIL]->(e)
  ON CREATE SET r.origin = t.origin
SET c.resolve_seq = $stamp, c.link_seq = $stamp;

UNWIND [t IN $rows WHERE t.kind = 'phone'] AS t
MATCH (c:Customer {uid: t.customer})
MATCH (p:Phone {number: t.value})
MERGE (c)-[r:HAS_PHONE]->(p)
  ON CREATE SET r.origin = t.origin
SET c.resolve_seq = $stamp, c.link_seq = $stamp;

UNWIND [t IN $rows WHERE t.kind = 'device'] AS t
MATCH (c:Customer {uid: t.customer})
MATCH (d:Device {id: t.value})
MERGE (c)-[r:USES_DEVICE]->(d)
  ON CREATE SET r.origin = t.origin
SET c.resolve_seq = $stamp, c.link_seq = $stamp;

UNWIND [t IN $rows WHERE NOT t.kind IN ['email', 'phone', 'device']] AS t
MATCH (c:Customer {uid: t.customer})
MATCH (o:Identifier {key: t.kind + ':' + t.value})
MERGE (c)-[r:HAS_IDENTIFIER]->(o)
  ON CREATE SET r.origin = t.origin
SET c.resolve_seq = $stamp, c.link_seq = $stamp;
