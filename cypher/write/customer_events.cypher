// Customers that have just arrived, for the events that named them before (a login ingested ahead of
// the CRM export): BY, and the ties such an event makes between the customer and what it carries, with
// the event's source as origin (a tie the record itself holds keeps origin 'record').
// $uids: the uids of the new customers.
UNWIND $uids AS uid
MATCH (i:Interaction {customer_ref: uid})
MATCH (c:Customer {uid: uid})
MERGE (i)-[:BY]->(c)
WITH i, c
ORDER BY i.uid
CALL (i, c) {
  MATCH (i)-[:VIA_EMAIL]->(e:Email)
  MERGE (c)-[r:HAS_EMAIL]->(e)
    ON CREATE SET r.origin = i.source
}
CALL (i, c) {
  MATCH (i)-[:VIA_PHONE]->(p:Phone)
  MERGE (c)-[r:HAS_PHONE]->(p)
    ON CREATE SET r.origin = i.source
}
CALL (i, c) {
  MATCH (i)-[:ON_DEVICE]->(d:Device)
  MERGE (c)-[r:USES_DEVICE]->(d)
    ON CREATE SET r.origin = i.source
}
CALL (i, c) {
  MATCH (i)-[:VIA_IDENTIFIER]->(o:Identifier)
  MERGE (c)-[r:HAS_IDENTIFIER]->(o)
    ON CREATE SET r.origin = i.source
};
