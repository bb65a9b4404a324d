// Gives the lease of the job $job to $holder {owner, pid, host, taken_at, expires_at}.
MATCH (l:Lease {job: $job})
SET l += $holder;
