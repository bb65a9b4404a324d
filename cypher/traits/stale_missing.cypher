// Up to $limit active profiles without traits (a store made before traits), by profile id.
MATCH (p:Profile)
WHERE p.status = 'active' AND p.traits_stamp IS NULL
WITH p
ORDER BY p.profile_id
LIMIT $limit
RETURN collect(p.profile_id) AS ids;
