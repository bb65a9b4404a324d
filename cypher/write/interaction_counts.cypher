// Recomputes the interaction count of the profiles $ids.
UNWIND $ids AS pid
MATCH (p:Profile {profile_id: pid})
SET p.interaction_count = COUNT { (:Interaction {profile_id: pid}) };
