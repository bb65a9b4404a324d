// Erasure: the hard deletes, each statement returning how many went. The scored links and the
// judgements of the customers $uids (erasure outranks the append-only log); the interactions $events;
// the identifiers $identifiers; the customers; the profiles $whole with their audit entries.
UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[r:PROBABLY_SAME|MAYBE_SAME]-(:Customer)
WITH DISTINCT r
DELETE r
RETURN count(r) AS links;

UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[j:SAME_AS|NOT_SAME_AS]-(:Customer)
WITH DISTINCT j
DELETE j
RETURN count(j) AS judgements;

UNWIND $events AS uid
MATCH (i:Interaction {uid: uid})
DETACH DELETE i
RETURN count(*) AS interactions;

UNWIND $identifiers AS e
CALL (e) {
  MATCH (d:Email {address: e.value}) WHERE e.kind = 'email' RETURN d
  UNION
  MATCH (d:Phone {number: e.value}) WHERE e.kind = 'phone' RETURN d
  UNION
  MATCH (d:Device {id: e.value}) WHERE e.kind = 'device' RETURN d
  UNION
  MATCH (d:Identifier {key: e.kind + ':' + e.value}) RETURN d
}
DETACH DELETE d
RETURN count(*) AS identifiers;

UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
DETACH DELETE c
RETURN count(*) AS customers;

UNWIND $whole AS pid
MATCH (p:Profile {profile_id: pid})
DETACH DELETE p
RETURN count(*) AS profiles;

UNWIND $whole AS pid
MATCH (a:Audit {profile_id: pid})
DELETE a
RETURN count(*) AS audit;
