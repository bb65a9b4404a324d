// Locks the lease of the job $job (creating an empty one) and returns who holds it: the first statement
// of a take, so two runs asking at once are answered one after the other.
MERGE (l:Lease {job: $job})
SET l.job = $job
RETURN l.owner AS owner, l.pid AS pid, l.host AS host, l.taken_at AS taken_at, l.expires_at AS expires_at;
