// The interactions whose attribution depends on the records of the profiles $ids, as one list (it may
// repeat a uid): those naming one of them, and those carrying an identifier one of them holds (shared
// or not: a mark that flipped changes the answer too).
UNWIND $ids AS pid
MATCH (:Profile {profile_id: pid})<-[:IN_PROFILE]-(c:Customer)
OPTIONAL MATCH (c)-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
WITH collect(DISTINCT c.uid) AS records, collect(DISTINCT d) AS held
CALL (records) {
  UNWIND records AS uid
  MATCH (i:Interaction {customer_ref: uid})
  RETURN collect(i.uid) AS named
}
CALL (held) {
  UNWIND held AS d
  MATCH (d)<-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]-(i:Interaction)
  RETURN collect(i.uid) AS carrying
}
RETURN named + carrying AS uids;
