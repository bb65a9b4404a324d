// Ties interactions to the identifiers they carry (VIA_EMAIL, VIA_PHONE, ON_DEVICE, VIA_IDENTIFIER for a
// kind the mapping declares), creating an identifier the first time it is seen (not shared). One
// statement per built-in kind, one for the declared kinds. $rows: [{uid, kind, value}].
UNWIND [t IN $rows WHERE t.kind = 'email'] AS t
MATCH (i:Interaction {uid: t.uid})
MERGE (e:Email {address: t.value})
  ON CREATE SET e.shared = false
MERGE (i)-[:VIA_EMAIL]->(e);

UNWIND [t IN $rows WHERE t.kind = 'phone'] AS t
MATCH (i:Interaction {uid: t.uid})
MERGE (p:Phone {number: t.value})
  ON CREATE SET p.shared = false
MERGE (i)-[:VIA_PHONE]->(p);

UNWIND [t IN $rows WHERE t.kind = 'device'] AS t
MATCH (i:Interaction {uid: t.uid})
MERGE (d:Device {id: t.value})
  ON CREATE SET d.shared = false
MERGE (i)-[:ON_DEVICE]->(d);

UNWIND [t IN $rows WHERE NOT t.kind IN ['email', 'phone', 'device']] AS t
MATCH (i:Interaction {uid: t.uid})
MERGE (o:Identifier {key: t.kind + ':' + t.value})
  ON CREATE SET o.kind = t.kind, o.value = t.value, o.shared = false
MERGE (i)-[:VIA_IDENTIFIER]->(o);
