// Segment: bought online, never in a store.
//
// Answers: which customers have ordered through an online channel but never bought in a shop: the
// people to invite to a store event?
//
// Parameters:
//   $online (string, default web,app,marketplace): the channels that count as online, comma-separated.
//   $store (string, default store,pos): the channels that count as a store, comma-separated.
//   $limit (int, default 100): at most this many profiles.
//
// Returns: one row per profile: profile_id, first_name, last_name, email, orders, revenue, last_purchase,
// channels.
MATCH (p:Profile)
WHERE p.status = 'active' AND p.orders > 0
  AND EXISTS { MATCH (i:Interaction {profile_id: p.profile_id})
               WHERE i.channel IN split($online, ',') AND i.attributes CONTAINS '"amount"' }
  AND NOT EXISTS { MATCH (i:Interaction {profile_id: p.profile_id})
                   WHERE i.channel IN split($store, ',') AND i.attributes CONTAINS '"amount"' }
RETURN p.profile_id AS profile_id, p.first_name AS first_name, p.last_name AS last_name, p.email AS email,
       p.orders AS orders, p.revenue AS revenue, p.last_purchase AS last_purchase, p.channels AS channels
ORDER BY revenue DESC, profile_id
LIMIT $limit;
