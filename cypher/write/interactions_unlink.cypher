// Interactions whose content changed lose the identifier and BY ties of their previous version before
// the new version's are written. $uids: their uids.
UNWIND $uids AS uid
MATCH (i:Interaction {uid: uid})-[r:VIA_EMAIL|VIA_PHONE|ON_DEVICE|VIA_IDENTIFIER|BY]->()
DELETE r;
