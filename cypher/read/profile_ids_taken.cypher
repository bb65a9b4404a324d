// Which of the profile ids $ids exist already (any status).
UNWIND $ids AS pid
MATCH (p:Profile {profile_id: pid})
RETURN p.profile_id AS profile_id;
