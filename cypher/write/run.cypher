// Keeps one run of a job in the run log (idgraph report reads it): a Run keyed by its tag, with the job,
// when it started (ISO 8601, UTC) and its summary as JSON text. The same tag again replaces the entry.
MERGE (r:Run {run_tag: $run_tag})
SET r.job = $job, r.started_at = $started_at, r.summary = $summary;
