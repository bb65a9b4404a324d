// Erasure, a step before the customers $uids are deleted: a shared identifier they hold that stays (others
// hold it too) names them in its shared_reason ("customers crm:1 and crm:2 have different first names
// (mary / terri)"). It is un-marked and its other holders are stamped for the link job and resolve ($stamp), so the
// guard judges it afresh on the next resolve without them. Returns how many identifiers were un-marked.
UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
WHERE d.shared = true
  AND EXISTS { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(o:Customer) WHERE NOT o.uid IN $uids }
WITH DISTINCT d
CALL (d) {
  MATCH (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(o:Customer)
  WHERE NOT o.uid IN $uids
  SET o.resolve_seq = $stamp, o.link_seq = $stamp
}
SET d.shared = false, d.shared_reason = null
RETURN count(d) AS rejudged;
