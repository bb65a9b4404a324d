// Every active profile's id.
MATCH (p:Profile)
WHERE p.status = 'active'
RETURN collect(p.profile_id) AS ids;
