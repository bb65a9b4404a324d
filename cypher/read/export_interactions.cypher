// Every interaction with the profile it is attributed to, by source and id (`idgraph export`).
MATCH (i:Interaction)
RETURN i.source AS source, i.source_id AS record_id, i.profile_id AS profile_id
ORDER BY source, record_id;
