// A profile's timeline: the interactions attributed to it, newest first.
//
// Answers: what has this customer done lately, on which channel, and which source recorded it?
// How an event was attributed: by_record names the record it is BY (a login, a ticket quoting the
// account); otherwise it was attributed through the identifiers it carries (via).
//
// Parameters:
//   $profile_id (string): a profile id. Example: P3f2a9c41d0b7
//   $limit (int, default 100): at most this many interactions.
//
// Returns: one row per interaction: at, source, source_id, channel, type, by_record (uid or null), via
// (the identifiers the event carries, as 'kind:value').
MATCH (i:Interaction {profile_id: $profile_id})
OPTIONAL MATCH (i)-[:BY]->(c:Customer)
RETURN i.at AS at, i.source AS source, i.source_id AS source_id, i.channel AS channel, i.type AS type,
       c.uid AS by_record,
       [(i)-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]->(d) |
         CASE WHEN d:Email THEN 'email:' + d.address WHEN d:Phone THEN 'phone:' + d.number
              WHEN d:Device THEN 'device:' + d.id ELSE d.key END] AS via
ORDER BY at DESC, source_id
LIMIT $limit;
