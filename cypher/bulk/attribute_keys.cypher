// Every attribute name a customer record holds (its attribute_keys), sorted: the attribute columns of a
// bulk export's customer file.
MATCH (c:Customer)
WHERE c.attribute_keys IS NOT NULL
UNWIND c.attribute_keys AS key
RETURN DISTINCT key
ORDER BY key;
