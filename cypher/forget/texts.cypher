// Erasure: the text that stays and may name the person: audit entries with a reason (a person's free
// text) or whose details hold one of $tokens exactly, and judgements with a reason. graph/erasure.py
// redacts them; forget/write_texts writes back those that changed.
MATCH (a:Audit)
WHERE a.reason IS NOT NULL OR any(t IN $tokens WHERE coalesce(a.details, '') CONTAINS t)
RETURN 'audit' AS kind, toString(a.seq) AS key, a.reason AS reason, a.details AS details
UNION ALL
MATCH ()-[j:SAME_AS|NOT_SAME_AS]->()
WHERE j.reason IS NOT NULL
RETURN 'judgement' AS kind, j.judgement_id AS key, j.reason AS reason, null AS details;
