// The store's random salt for suppression and erasure hashes: made once ($candidate, the first time)
// and kept. It lives on a Suppression node of kind 'salt' whose hash is the word 'salt' (no entry's hash,
// a hex digest, can be that), so its uniqueness constraint makes two first runs agree on one salt.
MERGE (s:Suppression {hash: 'salt'})
  ON CREATE SET s.kind = 'salt', s.value = $candidate, s.at = $at
RETURN s.value AS salt;
