// Up to $limit active profiles whose traits were computed under another stamp than $stamp (another day,
// other definitions): two seeks on the profile_traits_stamp index, older stamps then newer, stopped at
// $limit (graph/store.py stale_trait_profiles).
MATCH (p:Profile)
WHERE (p.traits_stamp < $stamp OR p.traits_stamp > $stamp) AND p.status = 'active'
WITH p
LIMIT $limit
RETURN collect(p.profile_id) AS ids;
