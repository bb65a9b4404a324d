// Waits (up to 300 s) until every index is online: init() returns with the schema ready to serve.
CALL db.awaitIndexes(300);
