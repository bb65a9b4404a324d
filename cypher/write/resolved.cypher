// Clears the resolve mark of the customers $uids (of every marked customer when $uids is null).
CALL () {
  MATCH (c:Customer) WHERE $uids IS NULL AND c.dirty = true RETURN c
  UNION ALL
  UNWIND coalesce($uids, []) AS uid
  MATCH (c:Customer {uid: uid})
  WHERE c.dirty = true
  RETURN c
}
SET c.dirty = false;
