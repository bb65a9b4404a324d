// The profiles the interactions $uids are attributed to, distinct.
UNWIND $uids AS uid
MATCH (i:Interaction {uid: uid})
WHERE i.profile_id IS NOT NULL
RETURN collect(DISTINCT i.profile_id) AS ids;
