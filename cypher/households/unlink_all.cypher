// Every membership is removed (a whole pass writes them all again).
MATCH (:Profile)-[r:IN_HOUSEHOLD]->()
DELETE r;
