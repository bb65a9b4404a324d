// Adds suppression entries (a forgotten person not to bring back): salted hashes, idempotent.
// $rows: [{hash, kind}], $at: when.
UNWIND $rows AS row
MERGE (s:Suppression {hash: row.hash})
  ON CREATE SET s.kind = row.kind, s.at = $at;
