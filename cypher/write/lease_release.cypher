// Releases the lease of the job $job if $owner holds it.
MATCH (l:Lease {job: $job})
WHERE l.owner = $owner
DELETE l;
