// Erasure, step 2: the profiles of the customers $uids, and the retired profiles merged into them (at any
// depth), which hold golden records of the same people. `whole`: no record of the profile stays, so it
// goes; otherwise it is scrubbed and resolved again.
UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[:IN_PROFILE]->(root:Profile)
WITH DISTINCT root
WITH root, NOT EXISTS { (root)<-[:IN_PROFILE]-(c:Customer) WHERE NOT c.uid IN $uids } AS whole
MATCH (p:Profile)-[:MERGED_INTO*0..]->(root)
RETURN p.profile_id AS profile_id, whole
ORDER BY profile_id;
