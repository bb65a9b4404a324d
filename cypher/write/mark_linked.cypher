// Clears the link job's mark on the customers $uids (on every marked customer when $uids is null).
CALL () {
  MATCH (c:Customer) WHERE $uids IS NULL AND c.link_dirty = true RETURN c
  UNION ALL
  UNWIND coalesce($uids, []) AS uid
  MATCH (c:Customer {uid: uid})
  RETURN c
}
SET c.link_dirty = false;
