// A profile's timeline: the interactions attributed to it, oldest first (undated ones first), at most
// $limit.
MATCH (i:Interaction {profile_id: $profile_id})
RETURN i.uid AS uid, i.source AS source, i.source_id AS source_id, i.at AS at, i.channel AS channel,
       i.type AS type, i.customer_ref AS customer_ref
ORDER BY at IS NOT NULL, at, uid
LIMIT $limit;
