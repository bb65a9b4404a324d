// Every property of every node and relationship: what the erasure test searches for a forgotten
// person's values (emails, phones, names, record ids). A whole-graph scan: for tests and audits only.
MATCH (n)
RETURN properties(n) AS properties
UNION ALL
MATCH ()-[r]->()
RETURN properties(r) AS properties;
