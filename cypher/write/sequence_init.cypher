// Creates the change sequence on a graph that has none, its audit counter after the highest audit
// entry (a graph made before the counter existed); a graph whose records carry work marks already (a
// migrated one) starts at 1.
OPTIONAL MATCH (a:Audit)
WITH max(a.seq) AS top
WITH top, COUNT { (c:Customer) WHERE c.resolve_seq > 0 OR c.link_seq > 0 } > 0 AS marked
MERGE (s:Sequence {key: 'change'})
  ON CREATE SET s.value = CASE WHEN marked THEN 1 ELSE 0 END, s.audit = coalesce(top, 0), s.erased = 0;
