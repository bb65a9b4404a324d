// Stamps the customers $uids for resolve with the transaction's change sequence $stamp.
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
SET c.resolve_seq = $stamp;
