// How the sources overlap: for each pair of sources, how many active profiles hold records of both.
//
// Answers: how many CRM customers are also in the loyalty programme, or signed up to the newsletter?
// The diagonal (a = b) is how many profiles have a record of that source at all.
//
// Parameters: none.
//
// Returns: one row per pair of sources (a <= b): a, b, profiles.
MATCH (p:Profile)
WHERE p.status = 'active'
UNWIND p.sources AS a
UNWIND p.sources AS b
WITH a, b
WHERE a <= b
RETURN a, b, count(*) AS profiles
ORDER BY a, b;
