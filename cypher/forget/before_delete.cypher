// Erasure, before the deletes. A shared identifier of the erased customers $uids that stays ($rejudge:
// [{kind, value}]) names them in its reason: it is un-marked and its other holders are stamped for the link
// job and resolve ($stamp), so the guard judges it afresh. A profile split from one that goes ($whole)
// forgets where it came from.
UNWIND $rejudge AS e
CALL (e) {
  MATCH (d:Email {address: e.value}) WHERE e.kind = 'email' RETURN d
  UNION
  MATCH (d:Phone {number: e.value}) WHERE e.kind = 'phone' RETURN d
  UNION
  MATCH (d:Device {id: e.value}) WHERE e.kind = 'device' RETURN d
  UNION
  MATCH (d:Identifier {key: e.kind + ':' + e.value}) RETURN d
}
SET d.shared = false, d.shared_reason = null
WITH d
CALL (d) {
  MATCH (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(o:Customer)
  WHERE NOT o.uid IN $uids
  SET o.resolve_seq = $stamp, o.link_seq = $stamp
};

UNWIND $whole AS pid
MATCH (p:Profile)-[r:SPLIT_FROM]->(:Profile {profile_id: pid})
DELETE r
SET p.split_from = null;
