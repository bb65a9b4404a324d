// The customers stamped for resolve after sequence $after, as one list.
MATCH (c:Customer)
WHERE c.resolve_seq > $after
RETURN collect(c.uid) AS uids;
