// Every interaction uid, as one list (a whole resolve re-attributes them all).
MATCH (i:Interaction)
RETURN collect(i.uid) AS uids;
