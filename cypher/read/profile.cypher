// One profile (any status) with its golden record.
MATCH (p:Profile {profile_id: $profile_id})
RETURN p {.profile_id, .seq, .status, .merged_into, .split_from, .created_at, .updated_at, .first_name,
          .last_name, .dob, .email, .phone, .address, .city, .postcode, .country, .customer_count,
          .interaction_count, .sources} AS profile;
