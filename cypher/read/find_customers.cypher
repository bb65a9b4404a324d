// Customers by identifier ($kind 'email' | 'phone' | 'device' or a kind the mapping declares, $value
// normalised) or by record ($kind 'record', $value a uid 'source:id'), with their profile.
CALL () {
  MATCH (c:Customer {uid: $value}) WHERE $kind = 'record' RETURN c
  UNION
  MATCH (:Email {address: $value})<-[:HAS_EMAIL]-(c:Customer) WHERE $kind = 'email' RETURN c
  UNION
  MATCH (:Phone {number: $value})<-[:HAS_PHONE]-(c:Customer) WHERE $kind = 'phone' RETURN c
  UNION
  MATCH (:Device {id: $value})<-[:USES_DEVICE]-(c:Customer) WHERE $kind = 'device' RETURN c
  UNION
  MATCH (:Identifier {key: $kind + ':' + $value})<-[:HAS_IDENTIFIER]-(c:Customer) RETURN c
}
OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
RETURN c.uid AS uid, p.profile_id AS profile_id
ORDER BY uid;
