// The household evidence the records of the profiles $ids hold (graph/households.py): their identifiers
// of the kinds $kinds as 'kind:value', their dwelling ('dwelling:' + postcode + '|' + address line) and
// their surname at a postcode ('surname_postcode:' + postcode + '|' + last name) when $kinds names them.
// Only the identifiers the record itself gives (origin 'record'): a phone an order ties to its buyer may
// be a gift's recipient. A dwelling's address line has a house number: a street alone is many dwellings.
UNWIND $ids AS pid
MATCH (p:Profile {profile_id: pid})<-[:IN_PROFILE]-(c:Customer)
CALL (c) {
  MATCH (c)-[r:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
  WHERE r.origin = 'record'
  WITH CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END AS kind,
       coalesce(d.address, d.number, d.id, d.value) AS value
  WHERE kind IN $kinds
  RETURN kind + ':' + value AS key
  UNION
  WITH c
  WHERE 'dwelling' IN $kinds AND c.postcode IS NOT NULL AND c.address =~ '.*[0-9].*'
  RETURN 'dwelling:' + c.postcode + '|' + c.address AS key
  UNION
  WITH c
  WHERE 'surname_postcode' IN $kinds AND c.postcode IS NOT NULL AND c.last_name IS NOT NULL
  RETURN 'surname_postcode:' + c.postcode + '|' + c.last_name AS key
}
RETURN collect(DISTINCT [pid, key]) AS rows;
