// The over-merge guard's verdicts: an identifier (of any kind) marked shared (with why) stops linking; one
// unmarked links again. The customers on an identifier whose mark flipped are stamped for the link job and for
// resolve ($stamp). Returns how many identifiers flipped. $rows: [{kind, value, shared, reason}].
UNWIND $rows AS row
CALL (row) {
  MATCH (d:Email {address: row.value}) WHERE row.kind = 'email' RETURN d
  UNION
  MATCH (d:Phone {number: row.value}) WHERE row.kind = 'phone' RETURN d
  UNION
  MATCH (d:Device {id: row.value}) WHERE row.kind = 'device' RETURN d
  UNION
  MATCH (d:Identifier {key: row.kind + ':' + row.value}) RETURN d
}
WITH d, row, coalesce(d.shared, false) <> row.shared AS flipped
SET d.shared = row.shared, d.shared_reason = row.reason
WITH d, flipped
CALL (d, flipped) {
  WITH * WHERE flipped
  MATCH (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(c:Customer)
  SET c.resolve_seq = $stamp, c.link_seq = $stamp
}
RETURN count(CASE WHEN flipped THEN 1 END) AS flipped;
