// The customers the link job must look at (new or changed since it last ran), as one list.
MATCH (c:Customer)
WHERE c.link_dirty = true
RETURN collect(c.uid) AS uids;
