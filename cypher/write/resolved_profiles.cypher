// Clears the resolve mark of the records of the profiles $ids (a batch of whole components: after
// write/members their records are exactly those components).
UNWIND $ids AS pid
MATCH (:Profile {profile_id: pid})<-[:IN_PROFILE]-(c:Customer)
WHERE c.dirty = true
SET c.dirty = false;
