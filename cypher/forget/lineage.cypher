// Erasure: the profiles of the customers $uids (roots) and the retired profiles merged into them at any
// depth, which hold golden records of the same people; with each root's number of records.
UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[:IN_PROFILE]->(root:Profile)
WITH DISTINCT root
MATCH (p:Profile)-[:MERGED_INTO*0..]->(root)
RETURN DISTINCT p.profile_id AS profile_id, root.profile_id AS root, p.status AS status,
       COUNT { (root)<-[:IN_PROFILE]-(:Customer) } AS members;
