// Up to $limit active profiles whose traits were computed under another stamp than $stamp (another day,
// other definitions): two seeks on the profile_traits_stamp index, older stamps then newer, stopped at
// $limit (graph/store.py stale_trait_profiles). The hint: left to itself the planner seeks the
// profile_status index and filters on the stamp, reading every current profile before the stale ones
// (6,010 db hits for 10 stale profiles at 20,000 people, 12 with the hint).
MATCH (p:Profile)
USING INDEX p:Profile(traits_stamp)
WHERE (p.traits_stamp < $stamp OR p.traits_stamp > $stamp) AND p.status = 'active'
WITH p
LIMIT $limit
RETURN collect(p.profile_id) AS ids;
