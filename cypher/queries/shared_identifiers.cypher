// The identifiers the over-merge guard marked shared, with why and how widely they are held.
//
// Answers: which e-mails, phones, devices and declared identifiers (a national id, an account number)
// glue too many records together to be trusted (placeholders, kiosks, household landlines, family
// e-mails), and why was each one stopped from linking?
//
// Parameters:
//   $kind (string, default null): only this kind: email, phone, device or a declared kind such as
//     national_id (null: every kind).
//   $limit (int, default 100): at most this many identifiers.
//
// Returns: one row per identifier, most held first: kind, value, shared_reason, records (how many
// customer records hold it), events (how many interactions carry it).
MATCH (d:Email|Phone|Device|Identifier)
WHERE d.shared = true
WITH d, CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END
     AS kind
WHERE $kind IS NULL OR kind = $kind
RETURN kind, coalesce(d.address, d.number, d.id, d.value) AS value, d.shared_reason AS shared_reason,
       COUNT { (d)<-[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]-(:Customer) } AS records,
       COUNT { (d)<-[:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER]-(:Interaction) } AS events
ORDER BY records DESC, kind, value
LIMIT $limit;
