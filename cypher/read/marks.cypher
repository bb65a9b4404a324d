// The change sequence of the last committed write, that of the last erasure, and each job's watermark
// (graph/work.py); also what a bulk export carries over.
OPTIONAL MATCH (s:Sequence {key: 'change'})
RETURN coalesce(s.value, 0) AS sequence, coalesce(s.erased, 0) AS erased,
       COLLECT { MATCH (w:Watermark) RETURN [w.job, w.seq] ORDER BY w.job } AS watermarks;
