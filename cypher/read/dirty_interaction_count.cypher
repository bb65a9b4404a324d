// How many interactions wait for attribution (new or changed since the last resolve).
MATCH (i:Interaction)
WHERE i.dirty = true
RETURN count(i) AS n;
