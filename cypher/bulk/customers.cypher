// Every customer record with its profile (IN_PROFILE), by uid, for a bulk export (`idgraph export
// --neo4j-import`); the work marks (changed at sequence N); attributes as [name, value] pairs (their names are in
// attribute_keys, each value a property of its own name).
MATCH (c:Customer)
OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
RETURN c.uid AS uid, c.source AS source, c.source_id AS source_id, c.first_name AS first_name,
       c.last_name AS last_name, c.full_name AS full_name, c.dob AS dob, c.address AS address, c.city AS city,
       c.postcode AS postcode, c.country AS country, c.updated_at AS updated_at, c.row_hash AS row_hash,
       c.run_tag AS run_tag, c.seq AS seq, p.profile_id AS profile_id, coalesce(c.resolve_seq, 0) AS resolve_seq,
       coalesce(c.link_seq, 0) AS link_seq,
       [k IN coalesce(c.attribute_keys, []) | [k, c[k]]] AS attributes
ORDER BY uid;
