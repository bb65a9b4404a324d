// Every customer uid, as one list (a whole-graph read is then done in batches of uids).
MATCH (c:Customer)
RETURN collect(c.uid) AS uids;
