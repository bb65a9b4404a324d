// The customers stamped for the link job after sequence $after, as one list.
MATCH (c:Customer)
WHERE c.link_seq > $after
RETURN collect(c.uid) AS uids;
