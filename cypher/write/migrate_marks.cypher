// Graphs made before the change sequences carried boolean work marks: a marked record is stamped 1
// (past every watermark, 0), the booleans removed. Run by init in batches; does nothing afterwards.
MATCH (c:Customer)
WHERE c.dirty IS NOT NULL OR c.link_dirty IS NOT NULL
CALL (c) {
  SET c.resolve_seq = CASE WHEN c.dirty = true THEN 1 ELSE coalesce(c.resolve_seq, 0) END,
      c.link_seq = CASE WHEN c.link_dirty = true THEN 1 ELSE coalesce(c.link_seq, 0) END
  REMOVE c.dirty, c.link_dirty
} IN TRANSACTIONS OF 10000 ROWS;

MATCH (i:Interaction)
WHERE i.dirty IS NOT NULL
CALL (i) {
  SET i.resolve_seq = CASE WHEN i.dirty = true THEN 1 ELSE coalesce(i.resolve_seq, 0) END
  REMOVE i.dirty
} IN TRANSACTIONS OF 10000 ROWS;
