// The run log, newest first: every run, or those of job $job when it is not null; at most $limit.
MATCH (r:Run)
WHERE $job IS NULL OR r.job = $job
RETURN r.run_tag AS run_tag, r.job AS job, r.started_at AS started_at, r.summary AS summary
ORDER BY started_at DESC, run_tag DESC
LIMIT $limit;
