// The content hash of the customers $uids that are in the graph, as rows [uid, row_hash]: new rows are
// those missing here, changed rows those with another hash.
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
RETURN collect([c.uid, c.row_hash]) AS rows;
