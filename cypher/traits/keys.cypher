// The trait names the profiles $ids carry now: [profile_id, trait_keys].
UNWIND $ids AS pid
MATCH (p:Profile {profile_id: pid})
RETURN pid, coalesce(p.trait_keys, []) AS keys;
