// The content hash of the customers $uids that are in the graph, with the names of their attributes, as
// rows [uid, row_hash, attribute_keys]: new rows are those missing here, changed rows those with another
// hash (an attribute a changed record no longer has is removed).
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
RETURN collect([c.uid, c.row_hash, coalesce(c.attribute_keys, [])]) AS rows;
