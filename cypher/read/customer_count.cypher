// How many customer records the graph holds.
MATCH (c:Customer)
RETURN count(c) AS customers;
