// Every profile whose records hold one of these evidence keys, as [profile_id, key] in three lists:
// identifiers ($identifiers: [kind, value]), dwellings ($dwellings: postcodes: every numbered address
// line there, as written; the job keeps the lines of the dwelling's form, graph/households.py canonical)
// and surnames at a postcode ($surnames: [postcode, last name]); identifiers only as records give them.
UNWIND $identifiers AS pair
CALL (pair) {
  MATCH (d:Email {address: pair[1]}) WHERE pair[0] = 'email' RETURN d
  UNION
  MATCH (d:Phone {number: pair[1]}) WHERE pair[0] = 'phone' RETURN d
  UNION
  MATCH (d:Device {id: pair[1]}) WHERE pair[0] = 'device' RETURN d
  UNION
  MATCH (d:Identifier {key: pair[0] + ':' + pair[1]}) RETURN d
}
MATCH (d)<-[r:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(:Customer)-[:IN_PROFILE]->(p:Profile)
WHERE r.origin = 'record'
RETURN collect(DISTINCT [p.profile_id, pair[0] + ':' + pair[1]]) AS rows;

UNWIND $dwellings AS postcode
MATCH (c:Customer {postcode: postcode})-[:IN_PROFILE]->(p:Profile)
WHERE c.address =~ '.*[0-9].*'
RETURN collect(DISTINCT [p.profile_id, 'dwelling:' + postcode + '|' + c.address]) AS rows;

UNWIND $surnames AS pair
MATCH (c:Customer {postcode: pair[0]})-[:IN_PROFILE]->(p:Profile)
WHERE c.last_name = pair[1]
RETURN collect(DISTINCT [p.profile_id, 'surname_postcode:' + pair[0] + '|' + pair[1]]) AS rows;
