// Weakly connected components of the projected graph $graph ($config: {} or {seedProperty: 'seed'}),
// for its customers, as rows [uid, component id].
CALL gds.wcc.stream($graph, $config)
YIELD nodeId, componentId
WITH gds.util.asNode(nodeId) AS n, componentId
WHERE n:Customer
RETURN collect([n.uid, componentId]) AS rows;
