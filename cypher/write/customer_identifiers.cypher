// Ties customers to the identifiers of their own records (origin 'record'), creating an identifier the
// first time it is seen (not shared). One statement per built-in kind, and one for the kinds the mapping
// declares (an Identifier keyed 'kind:value'). $rows: [{uid, kind, value}].
UNWIND [t IN $rows WHERE t.kind = 'email'] AS t
MATCH (c:Customer {uid: t.uid})
MERGE (e:Email {address: t.value})
  ON CREATE SET e.shared = false
MERGE (c)-[r:HAS_EMAIL]->(e)
SET r.origin = 'record';

UNWIND [t IN $rows WHERE t.kind = 'phone'] AS t
MATCH (c:Customer {uid: t.uid})
MERGE (p:Phone {number: t.value})
  ON CREATE SET p.shared = false
MERGE (c)-[r:HAS_PHONE]->(p)
SET r.origin = 'record';

UNWIND [t IN $rows WHERE t.kind = 'device'] AS t
MATCH (c:Customer {uid: t.uid})
MERGE (d:Device {id: t.value})
  ON CREATE SET d.shared = false
MERGE (c)-[r:USES_DEVICE]->(d)
SET r.origin = 'record';

UNWIND [t IN $rows WHERE NOT t.kind IN ['email', 'phone', 'device']] AS t
MATCH (c:Customer {uid: t.uid})
MERGE (o:Identifier {key: t.kind + ':' + t.value})
  ON CREATE SET o.kind = t.kind, o.value = t.value, o.shared = false
MERGE (c)-[r:HAS_IDENTIFIER]->(o)
SET r.origin = 'record';
