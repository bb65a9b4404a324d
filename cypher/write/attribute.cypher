// Attributes interactions to a profile: the profile of the customer the event names (BY), else the one
// profile its non-shared identifiers lead to; none when they lead to several (ambiguous) or to none.
// Writes only what changed. Returns the profile ids the interactions
// were and are attributed to, whose interaction counts are recomputed. $uids: interaction uids.
UNWIND $uids AS uid
MATCH (i:Interaction {uid: uid})
CALL (i) {
  OPTIONAL MATCH (i)-[:BY]->(:Customer)-[:IN_PROFILE]->(p:Profile)
  RETURN p.profile_id AS named
  LIMIT 1
}
CALL (i) {
  OPTIONAL MATCH (i)-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]->(d)
                 <-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(:Customer)-[:IN_PROFILE]->(q:Profile)
  WHERE NOT d.shared
  WITH collect(DISTINCT q.profile_id) AS found
  RETURN CASE size(found) WHEN 1 THEN found[0] END AS carried
}
WITH i, i.profile_id AS old, coalesce(named, carried) AS new
CALL (i, old, new) {
  WITH * WHERE coalesce(old, '') <> coalesce(new, '')
  SET i.profile_id = new
}
RETURN collect(DISTINCT old) + collect(DISTINCT new) AS profiles;
