// Ties interactions to the identifiers they carry (VIA_EMAIL, VIA_PHONE, ON_DEVICE), creating an
// identifier the first time it is seen (not shared). One statement per kind. $rows: [{uid, kind, value}].
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
