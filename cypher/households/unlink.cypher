// The memberships of the profiles $ids are removed (they are written again from what was computed).
UNWIND $ids AS pid
MATCH (:Profile {profile_id: pid})-[r:IN_HOUSEHOLD]->()
DELETE r;
