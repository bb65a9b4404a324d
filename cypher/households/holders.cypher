// The profiles whose records hold one of these evidence keys, as [profile_id, key] in three lists:
// identifiers ($identifiers: [kind, value]) and surnames at a postcode ($surnames: [postcode, last name]),
// at most $limit profiles a key (a key held by more makes no household: a shop's phone reads $limit
// holders, not thousands); dwellings ($dwellings: [postcode, " first number ", street start]): every
// numbered line at the postcode holding both, as written (the job keeps the lines of the dwelling's form,
// graph/households.py canonical). Identifiers only as records give them.
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
CALL (d) {
  MATCH (d)<-[r:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(:Customer)-[:IN_PROFILE]->(p:Profile)
  WHERE r.origin = 'record'
  RETURN DISTINCT p
  LIMIT $limit
}
RETURN collect(DISTINCT [p.profile_id, pair[0] + ':' + pair[1]]) AS rows;

UNWIND $dwellings AS probe
MATCH (c:Customer {postcode: probe[0]})-[:IN_PROFILE]->(p:Profile)
WHERE c.address =~ '.*[0-9].*' AND (' ' + c.address + ' ') CONTAINS probe[1] AND c.address CONTAINS probe[2]
RETURN collect(DISTINCT [p.profile_id, 'dwelling:' + probe[0] + '|' + c.address]) AS rows;

UNWIND $surnames AS pair
CALL (pair) {
  MATCH (c:Customer {postcode: pair[0]})-[:IN_PROFILE]->(p:Profile)
  WHERE c.last_name = pair[1]
  RETURN DISTINCT p
  LIMIT $limit
}
RETURN collect(DISTINCT [p.profile_id, 'surname_postcode:' + pair[0] + '|' + pair[1]]) AS rows;
