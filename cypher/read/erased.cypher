// The change sequence of the last erasure (0 when there was none).
OPTIONAL MATCH (s:Sequence {key: 'change'})
RETURN coalesce(s.erased, 0) AS erased;
