// Erasure: the profiles $partial keep other records: their golden record is scrubbed (the
// customer count stays) and their records and interactions are stamped for resolve ($stamp), which computes it
// again. Returns how many of them are active.
UNWIND $partial AS pid
MATCH (p:Profile {profile_id: pid})
SET p.first_name = null, p.last_name = null, p.dob = null, p.email = null, p.phone = null,
    p.address = null, p.city = null, p.postcode = null, p.country = null, p.sources = null
WITH p
CALL (p) {
  MATCH (p)<-[:IN_PROFILE]-(c:Customer)
  SET c.resolve_seq = $stamp
}
CALL (p) {
  MATCH (i:Interaction {profile_id: p.profile_id})
  SET i.resolve_seq = $stamp
}
RETURN count(CASE WHEN p.status = 'active' THEN 1 END) AS active;
