// Advances the watermark of the job $job to $mark (never back).
MERGE (w:Watermark {job: $job})
  ON CREATE SET w.seq = 0
SET w.seq = CASE WHEN $mark > w.seq THEN $mark ELSE w.seq END;
