// The change sequence, the sequence of the last erasure and each job's watermark, for a bulk export.
OPTIONAL MATCH (s:Sequence {key: 'change'})
RETURN coalesce(s.value, 0) AS sequence, coalesce(s.erased, 0) AS erased,
       COLLECT { MATCH (w:Watermark) RETURN [w.job, w.seq] ORDER BY w.job } AS watermarks;
