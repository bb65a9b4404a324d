// Erasure: the interactions that may go with the erased records: those naming one of $refs, attributed to
// one of the profiles $profiles, or carrying one of the identifiers $identifiers ([{kind, value}]); each
// with the record it names and whether that record is in the graph.
CALL () {
  UNWIND $refs AS uid
  MATCH (i:Interaction {customer_ref: uid})
  RETURN i
  UNION
  UNWIND $profiles AS pid
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
RETURN i.uid AS uid, i.customer_ref AS customer_ref, EXISTS { (:Customer {uid: i.customer_ref}) } AS ref_exists,
       i.profile_id AS profile_id;
