// Weakly connected components of the projected graph $graph, one row per node.
CALL gds.wcc.stream($graph) YIELD nodeId, componentId
RETURN gds.util.asNode(nodeId).name AS name, componentId
ORDER BY name;
