// Customer records whose content changed (another row_hash): the new fields (a null removes one: an
// attribute the new version no longer has comes as null), stamped for the link job and for resolve ($stamp), and
// the identifier ties of the previous version of the record (origin 'record') removed;
// write/customer_identifiers ties the new version's. Ties that events made stay. $rows: [{uid, props}].
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
SET c += row.props, c.resolve_seq = $stamp, c.link_seq = $stamp
WITH c
OPTIONAL MATCH (c)-[r:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->()
WHERE r.origin = 'record'
DELETE r;
