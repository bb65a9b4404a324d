// Erasure, step 4: the interactions that go with the customers $uids: those that name them; and, unless
// they name someone else still in the graph, those attributed to a profile only they made up ($whole)
// and those that carry an identifier only they hold ($identifiers: [{kind, value}]).
CALL () {
  UNWIND $uids AS uid
  MATCH (i:Interaction {customer_ref: uid})
  RETURN i
  UNION
  UNWIND $whole AS pid
  MATCH (i:Interaction {profile_id: pid})
  RETURN i
  UNION
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
  MATCH (d)<-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]-(i:Interaction)
  RETURN i
}
WITH i
WHERE i.customer_ref IS NULL OR i.customer_ref IN $uids OR NOT EXISTS { (:Customer {uid: i.customer_ref}) }
RETURN i.uid AS uid
ORDER BY uid;
