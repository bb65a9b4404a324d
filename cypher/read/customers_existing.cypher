// Which of the customers $uids are in the graph.
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
RETURN c.uid AS uid;
