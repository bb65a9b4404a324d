// Erasure, step 1: which of the customers $uids are in the graph.
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
RETURN c.uid AS uid
ORDER BY uid;
