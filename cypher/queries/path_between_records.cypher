// How two customer records are connected: the shortest chain of evidence between them.
//
// Answers: why are these two records in one profile (or how close are they)? Each step is a shared
// non-shared identifier, a scored PROBABLY_SAME link or a SAME_AS judgement, with its evidence. No row:
// nothing links them within 12 steps (identifiers marked shared, MAYBE_SAME and withdrawn judgements do
// not count, as in resolve).
//
// Parameters:
//   $a (string): a record uid, source:id. Example: crm:1001
//   $b (string): another record uid. Example: loyalty:L-2002
//
// Returns: one row: hops (relationships on the path), records (the uids of the customer records on it,
// in order), steps (a list, in order, of {from, rel, to, evidence}: from/to are record uids or
// identifier keys 'kind:value' (national_id:123456789 for a declared kind); evidence is the identifier,
// the link's score and evidence, or the judgement's by, at and reason).
MATCH (a:Customer {uid: $a})
MATCH (b:Customer {uid: $b})
MATCH path = shortestPath((a)-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER|PROBABLY_SAME|SAME_AS*..12]-(b))
WHERE all(n IN nodes(path) WHERE n:Customer OR n.shared = false)
  AND all(r IN relationships(path) WHERE NOT r:SAME_AS OR r.deleted_at IS NULL)
WITH path, [n IN nodes(path) |
  CASE WHEN n:Customer THEN n.uid WHEN n:Email THEN 'email:' + n.address WHEN n:Phone THEN 'phone:' + n.number
       WHEN n:Device THEN 'device:' + n.id ELSE n.key END] AS names
RETURN length(path) AS hops, [n IN nodes(path) WHERE n:Customer | n.uid] AS records,
       [k IN range(0, length(path) - 1) | {
          from: names[k], rel: type(relationships(path)[k]), to: names[k + 1],
          evidence: CASE type(relationships(path)[k])
            WHEN 'PROBABLY_SAME' THEN {score: relationships(path)[k].score, evidence: relationships(path)[k].evidence}
            WHEN 'SAME_AS' THEN {by: relationships(path)[k].by, at: relationships(path)[k].at,
                                 reason: relationships(path)[k].reason}
            ELSE {identifier: CASE WHEN nodes(path)[k]:Customer THEN names[k + 1] ELSE names[k] END}
          END}] AS steps;
