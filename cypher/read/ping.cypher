// Is the database there and answering? (Neo4jStore's connection check.)
RETURN 1 AS ok;
