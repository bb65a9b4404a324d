// Which of the salted hashes $hashes are suppression entries.
UNWIND $hashes AS h
MATCH (s:Suppression {hash: h})
WHERE s.kind <> 'salt'
RETURN s.hash AS hash;
