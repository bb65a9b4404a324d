// Everything a profile answer needs, in one read (the service's lookup: one round trip, not seven).
// $kind 'profile' names a profile by id ($value); otherwise $kind and $value find customers as
// read/find_customers does ('record' with a uid, 'email' | 'phone' | 'device', or a declared kind).
// found: the customers found with their profile. The profile is the one asked for, or the one profile
// the customers found are in (none when they are in several or in none); with it come its members, the
// identifiers they hold (one row per tie), its first $limit interactions, its traits and its households
// with their members: each as read/profile, read/profile_members, read/customer_identifiers,
// read/profile_interactions, traits/profile and households/household give them.
CALL () {
  MATCH (c:Customer {uid: $value}) WHERE $kind = 'record' RETURN c
  UNION
  MATCH (:Email {address: $value})<-[:HAS_EMAIL]-(c:Customer) WHERE $kind = 'email' RETURN c
  UNION
  MATCH (:Phone {number: $value})<-[:HAS_PHONE]-(c:Customer) WHERE $kind = 'phone' RETURN c
  UNION
  MATCH (:Device {id: $value})<-[:USES_DEVICE]-(c:Customer) WHERE $kind = 'device' RETURN c
  UNION
  MATCH (:Identifier {key: $kind + ':' + $value})<-[:HAS_IDENTIFIER]-(c:Customer) RETURN c
}
OPTIONAL MATCH (c)-[:IN_PROFILE]->(cp:Profile)
WITH c, cp
ORDER BY c.uid
WITH collect({uid: c.uid, profile_id: cp.profile_id}) AS found, collect(DISTINCT cp.profile_id) AS held
WITH found, CASE WHEN $kind = 'profile' THEN $value WHEN size(held) = 1 THEN held[0] END AS asked
OPTIONAL MATCH (p:Profile {profile_id: asked})
CALL (p) {
  MATCH (p)<-[:IN_PROFILE]-(c:Customer)
  WITH c
  ORDER BY c.source, c.source_id
  RETURN collect(c {.uid, .source, .source_id, .first_name, .last_name, .dob, .address, .city, .postcode,
                    .country, .updated_at, attributes: [k IN coalesce(c.attribute_keys, []) | [k, c[k]]]})
         AS members
}
CALL (p) {
  MATCH (p)<-[:IN_PROFILE]-(c:Customer)-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
  WITH c.uid AS uid,
       CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END AS kind,
       coalesce(d.address, d.number, d.id, d.value) AS value, coalesce(d.shared, false) AS shared,
       d.shared_reason AS shared_reason
  ORDER BY uid, kind, value
  RETURN collect({uid: uid, kind: kind, value: value, shared: shared, shared_reason: shared_reason}) AS identifiers
}
CALL (p) {
  MATCH (i:Interaction {profile_id: p.profile_id})
  WITH i
  ORDER BY i.at IS NOT NULL, i.at, i.uid
  LIMIT $limit
  RETURN collect(i {.uid, .source, .source_id, .at, .channel, .type, .customer_ref}) AS interactions
}
CALL (p) {
  MATCH (p)-[:IN_HOUSEHOLD]->(h:Household)
  WITH h
  ORDER BY h.household_id
  CALL (h) {
    MATCH (m:Profile)-[:IN_HOUSEHOLD]->(h)
    WITH m
    ORDER BY m.profile_id
    RETURN collect(m {.profile_id, .first_name, .last_name, .city, .postcode}) AS members
  }
  RETURN collect(h {.household_id, .seq, .status, .merged_into, .split_from, .created_at, .updated_at, .size,
                    .evidence, members: members}) AS households
}
RETURN found,
       p {.profile_id, .seq, .status, .merged_into, .split_from, .created_at, .updated_at, .first_name,
          .last_name, .dob, .email, .phone, .address, .city, .postcode, .country, .customer_count,
          .interaction_count, .sources} AS profile,
       members, identifiers, interactions, [k IN coalesce(p.trait_keys, []) | [k, p[k]]] AS traits, households;
