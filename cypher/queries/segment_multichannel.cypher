// Segment: multi-channel customers, who reach us through several channels.
//
// Answers: who uses the web, the phone, e-mail and the shops alike, and how are their contacts spread?
//
// Parameters:
//   $min_channels (int, default 2): at least this many distinct channels.
//   $limit (int, default 100): at most this many profiles.
//
// Returns: one row per profile: profile_id, first_name, last_name, channels, channel_counts (JSON text),
// last_channel, orders.
MATCH (p:Profile)
WHERE p.status = 'active' AND size(coalesce(p.channels, [])) >= $min_channels
RETURN p.profile_id AS profile_id, p.first_name AS first_name, p.last_name AS last_name, p.channels AS channels,
       p.channel_counts AS channel_counts, p.last_channel AS last_channel, p.orders AS orders
ORDER BY size(p.channels) DESC, profile_id
LIMIT $limit;
