// The store's salt, if one was made (read only: write/salt makes it).
OPTIONAL MATCH (s:Suppression {hash: 'salt'})
RETURN s.value AS salt;
