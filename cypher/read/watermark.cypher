// The sequence the job $job has read up to (0 before its first run).
OPTIONAL MATCH (w:Watermark {job: $job})
RETURN coalesce(w.seq, 0) AS seq;
