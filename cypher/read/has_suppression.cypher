// Whether any suppression entry exists (the salt is kept as a Suppression node of kind 'salt', not an entry).
RETURN EXISTS { MATCH (s:Suppression) WHERE s.kind <> 'salt' } AS found;
