// The content hash of the interactions $uids that are in the graph, as rows [uid, row_hash].
UNWIND $uids AS uid
MATCH (i:Interaction {uid: uid})
RETURN collect([i.uid, i.row_hash]) AS rows;
