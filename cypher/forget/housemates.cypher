// Erasure: the profiles $ids shared a household with a profile that goes; their records are stamped for
// resolve ($stamp), which finds their households anew.
UNWIND $ids AS pid
MATCH (:Profile {profile_id: pid})<-[:IN_PROFILE]-(c:Customer)
SET c.resolve_seq = $stamp;
