// The customers $uids with their fields, their non-shared identifiers as lists and their profile: what
// the link job compares and the golden record chooses from. Rows [uid, source, source_id, first_name,
// last_name, dob, address, city, postcode, country, updated_at, seq, emails, phones, devices,
// profile_id, further, attributes]: `further` holds one list of non-shared values per kind of $kinds
// (the mapping's declared identifier kinds asked for, in that order), `attributes` one value (or null)
// per name of $attributes.
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
RETURN collect([c.uid, c.source, c.source_id, c.first_name, c.last_name, c.dob, c.address, c.city,
                c.postcode, c.country, c.updated_at, c.seq,
                [(c)-[:HAS_EMAIL]->(e:Email) WHERE NOT e.shared | e.address],
                [(c)-[:HAS_PHONE]->(x:Phone) WHERE NOT x.shared | x.number],
                [(c)-[:USES_DEVICE]->(d:Device) WHERE NOT d.shared | d.id],
                p.profile_id,
                [k IN $kinds | [(c)-[:HAS_IDENTIFIER]->(o:Identifier {kind: k}) WHERE NOT o.shared | o.value]],
                [a IN $attributes | c[a]]]) AS rows;
