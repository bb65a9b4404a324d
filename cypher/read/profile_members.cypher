// The customer records of a profile, by source and id, each with its attributes as [name, value] pairs
// (the names are in attribute_keys, each value a property of its own name).
MATCH (:Profile {profile_id: $profile_id})<-[:IN_PROFILE]-(c:Customer)
RETURN c.uid AS uid, c.source AS source, c.source_id AS source_id, c.first_name AS first_name,
       c.last_name AS last_name, c.dob AS dob, c.address AS address, c.city AS city, c.postcode AS postcode,
       c.country AS country, c.updated_at AS updated_at,
       [k IN coalesce(c.attribute_keys, []) | [k, c[k]]] AS attributes
ORDER BY source, source_id;
