// Audit entries, oldest first: those of profile $profile_id, or all when it is null.
CALL () {
  UNWIND CASE WHEN $profile_id IS NULL THEN [true] ELSE [] END AS everything  // the scan only then
  MATCH (a:Audit)
  RETURN a
  UNION ALL
  MATCH (a:Audit {profile_id: $profile_id}) RETURN a
}
RETURN a.seq AS seq, a.at AS at, a.action AS action, a.profile_id AS profile_id, a.by AS by,
       a.reason AS reason, a.details AS details
ORDER BY seq;
