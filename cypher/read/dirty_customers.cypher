// The customers resolve must look at (new, changed, or whose links or judgements changed), as one list.
MATCH (c:Customer)
WHERE c.dirty = true
RETURN collect(c.uid) AS uids;
