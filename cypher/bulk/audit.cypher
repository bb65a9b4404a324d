// Every audit entry, by seq, for a bulk export.
MATCH (a:Audit)
RETURN a.seq AS seq, a.at AS at, a.action AS action, a.profile_id AS profile_id, a.by AS by, a.reason AS reason,
       a.details AS details
ORDER BY seq;
