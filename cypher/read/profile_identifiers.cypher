// The identifiers of a profile's records, each with the records holding it (space-separated uids).
MATCH (:Profile {profile_id: $profile_id})<-[:IN_PROFILE]-(c:Customer)
      -[:HAS_EMAIL|HAS_PHONE|USES_DEVICE|HAS_IDENTIFIER]->(d)
WITH d, c.uid AS uid
ORDER BY uid
WITH d, collect(uid) AS uids
RETURN CASE WHEN d:Email THEN 'email' WHEN d:Phone THEN 'phone' WHEN d:Device THEN 'device' ELSE d.kind END
         AS kind,
       coalesce(d.address, d.number, d.id, d.value) AS value, coalesce(d.shared, false) AS shared,
       d.shared_reason AS shared_reason, reduce(s = head(uids), u IN tail(uids) | s + ' ' + u) AS customers
ORDER BY kind, value;
