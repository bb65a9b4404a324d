// Every suppression entry, by hash, for a bulk export; not the salt (the node whose hash is 'salt').
MATCH (s:Suppression)
WHERE s.hash <> 'salt'
RETURN s.hash AS hash, s.kind AS kind, s.at AS at
ORDER BY hash;
