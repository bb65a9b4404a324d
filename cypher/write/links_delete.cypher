// Deletes the scored links (PROBABLY_SAME, MAYBE_SAME) with an end among the customers $uids (every
// scored link when $uids is null) and returns the uids of both ends of each: they are marked for resolve.
CALL () {
  UNWIND CASE WHEN $uids IS NULL THEN [true] ELSE [] END AS everything  // the scan only then
  MATCH (:Customer)-[r:PROBABLY_SAME|MAYBE_SAME]->(:Customer)
  RETURN r
  UNION
  UNWIND coalesce($uids, []) AS uid
  MATCH (:Customer {uid: uid})-[r:PROBABLY_SAME|MAYBE_SAME]-(:Customer)
  RETURN r
}
WITH r, startNode(r).uid AS a, endNode(r).uid AS b
DELETE r
RETURN a, b;
