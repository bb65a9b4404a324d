// A profile's traits: [name, value] pairs of the names in trait_keys.
MATCH (p:Profile {profile_id: $profile_id})
RETURN [k IN coalesce(p.trait_keys, []) | [k, p[k]]] AS traits;
