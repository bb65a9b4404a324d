// Marks the customers $uids for resolve.
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
SET c.dirty = true;
