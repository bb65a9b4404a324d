// Every MERGED_INTO and SPLIT_FROM between profiles, for a bulk export.
MATCH (p:Profile)-[r:MERGED_INTO|SPLIT_FROM]->(q:Profile)
RETURN p.profile_id AS profile_id, CASE type(r) WHEN 'MERGED_INTO' THEN 'merged_into' ELSE 'split_from' END AS kind,
       q.profile_id AS other
ORDER BY profile_id, kind;
