// The interactions marked for attribution (new or changed since the last resolve), as one list.
MATCH (i:Interaction)
WHERE i.dirty = true
RETURN collect(i.uid) AS uids;
