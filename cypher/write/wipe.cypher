// Deletes up to $batch nodes of the identity graph with their relationships; returns how many went.
// For benchmarks and tests on a database of their own only (Neo4jStore.wipe): run until it returns 0.
MATCH (n)
WHERE n:Customer OR n:Email OR n:Phone OR n:Device OR n:Identifier OR n:Interaction OR n:Profile OR n:Audit
   OR n:Suppression OR n:Judgement OR n:Sequence OR n:Watermark OR n:Lease OR n:Run
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted;
