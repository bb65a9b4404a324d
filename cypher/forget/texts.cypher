// Erasure, step 8: the text that stays and names something erased: audit entries (reason, details) and
// judgement reasons holding any of $tokens. The store redacts them and writes them back (write_texts).
MATCH (a:Audit)
WHERE any(t IN $tokens WHERE coalesce(a.details, '') CONTAINS t OR coalesce(a.reason, '') CONTAINS t)
RETURN 'audit' AS kind, toString(a.seq) AS key, a.reason AS reason, a.details AS details
UNION ALL
MATCH ()-[j:SAME_AS|NOT_SAME_AS]->()
WHERE any(t IN $tokens WHERE coalesce(j.reason, '') CONTAINS t)
RETURN 'judgement' AS kind, j.judgement_id AS key, j.reason AS reason, null AS details;
