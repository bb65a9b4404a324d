// Every profile (any status) with its lineage and golden record, by id (`idgraph export`).
MATCH (p:Profile)
RETURN p {.profile_id, .seq, .status, .merged_into, .split_from, .created_at, .updated_at, .first_name,
          .last_name, .dob, .email, .phone, .address, .city, .postcode, .country, .customer_count,
          .interaction_count, .sources} AS profile
ORDER BY p.profile_id;
