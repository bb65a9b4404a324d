// One household (any status) with its members, by profile id.
MATCH (h:Household {household_id: $household_id})
OPTIONAL MATCH (p:Profile)-[:IN_HOUSEHOLD]->(h)
WITH h, p
ORDER BY p.profile_id
RETURN h {.household_id, .seq, .status, .merged_into, .split_from, .created_at, .updated_at, .size,
          .evidence} AS household,
       [m IN collect(p) | m {.profile_id, .first_name, .last_name, .city, .postcode}] AS members;
