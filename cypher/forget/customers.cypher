// Erasure, what is read first: which of the customers $uids are in the graph, with their profile and names
// (graph/erasure.py decides what goes; the names are redacted from the text that stays).
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
OPTIONAL MATCH (c)-[:IN_PROFILE]->(p:Profile)
RETURN c.uid AS uid, p.profile_id AS profile_id, c.first_name AS first_name, c.last_name AS last_name
ORDER BY uid;
