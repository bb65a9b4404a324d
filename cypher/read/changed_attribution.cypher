// The interactions stamped for attribution after sequence $after, as one list.
MATCH (i:Interaction)
WHERE i.resolve_seq > $after
RETURN collect(i.uid) AS uids;
