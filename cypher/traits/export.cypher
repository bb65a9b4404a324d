// Every profile's traits: [profile_id, stamp, [[name, value], ...]], by profile.
MATCH (p:Profile)
WHERE p.trait_keys IS NOT NULL
WITH p
ORDER BY p.profile_id
RETURN collect([p.profile_id, p.traits_stamp, [k IN p.trait_keys | [k, p[k]]]]) AS rows;
