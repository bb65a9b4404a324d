// These profiles' traits are out of date (graph/store.py expire_traits): their stamp becomes $expired, which
// sorts before every real one, so the refresh finds them first. A profile without traits gets it too: with
// no stamp it would not count as stale while others are current (traits/stale.cypher).
// The hint keeps one seek per id: a first version, which also filtered on traits_stamp, did not end in
// ten minutes at 100,000 people.
UNWIND $ids AS id
MATCH (p:Profile {profile_id: id})
USING INDEX p:Profile(profile_id)
SET p.traits_stamp = $expired;
