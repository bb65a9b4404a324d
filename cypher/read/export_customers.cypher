// Every customer record with its profile, by source and id (`idgraph export`).
MATCH (c:Customer)
OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
RETURN c.source AS source, c.source_id AS record_id, p.profile_id AS profile_id
ORDER BY source, record_id;
