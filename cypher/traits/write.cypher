// A profile's traits as its properties (a null removes one: a trait no longer defined comes as null),
// the names in trait_keys and the stamp they were computed under. $rows: [{profile_id, props, keys, stamp}].
UNWIND $rows AS row
MATCH (p:Profile {profile_id: row.profile_id})
SET p += row.props, p.trait_keys = row.keys, p.traits_stamp = row.stamp;
