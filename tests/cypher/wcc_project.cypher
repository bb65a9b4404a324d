// Projects the WccTest nodes and LINK relationships into the GDS graph catalog as $graph.
CALL gds.graph.project($graph, 'WccTest', 'LINK') YIELD nodeCount, relationshipCount
RETURN nodeCount, relationshipCount;
