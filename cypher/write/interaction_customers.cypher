// BY: an event that names its customer (a login, a ticket with the CRM account), when that customer is
// in the graph; otherwise the event keeps customer_ref and write/customer_events ties it on arrival.
// $rows: [{uid, customer}].
UNWIND $rows AS row
MATCH (i:Interaction {uid: row.uid})
MATCH (c:Customer {uid: row.customer})
MERGE (i)-[:BY]->(c);
