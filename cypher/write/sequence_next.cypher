// Opens a write transaction: takes the next change sequence, which the transaction stamps on what it
// changes ($stamp). The node is locked until the commit, so writers commit one after the other and the
// sequence is monotone in commit order (graph/work.py).
MERGE (s:Sequence {key: 'change'})
  ON CREATE SET s.value = 0, s.audit = 0, s.erased = 0
SET s.value = s.value + 1
RETURN s.value AS seq;
