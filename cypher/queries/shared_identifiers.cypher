// The identifiers the over-merge guard marked shared, with why and how widely they are held.
//
// Answers: which e-mails, phones and devices glue too many records together to be trusted (placeholders,
// kiosks, household landlines, family e-mails), and why was each one stopped from linking?
//
// Parameters:
//   $kind (string, default null): only this kind: email, phone or device (null: all three).
//   $limit (int, default 100): at most this many identifiers.
//
// Returns: one row per identifier, most held first: kind, value, shared_reason, records (how many
// customer records hold it), events (how many interactions carry it).
MATCH (d:Email|Phone|Device)
WHERE d.shared = true
WITH d, CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' ELSE 'device' END AS kind
WHERE $kind IS NULL OR kind = $kind
RETURN kind, coalesce(d.address, d.number, d.id) AS value, d.shared_reason AS shared_reason,
       COUNT { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE]-(:Customer) } AS records,
       COUNT { (d)<-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE]-(:Interaction) } AS events
ORDER BY records DESC, kind, value
LIMIT $limit;
