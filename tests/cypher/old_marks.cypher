// A graph as the Neo4j store wrote it before the change sequences: boolean work marks, audit entries
// numbered by max+1 and no Sequence node (tests/test_leases.py migrates it).
CREATE (:Customer {uid: 'crm:1', source: 'crm', source_id: '1', row_hash: 'h', seq: 1, dirty: true, link_dirty: false}),
       (:Customer {uid: 'crm:2', source: 'crm', source_id: '2', row_hash: 'h', seq: 2, dirty: false, link_dirty: true}),
       (:Interaction {uid: 'web:1', source: 'web', source_id: '1', row_hash: 'h', dirty: true}),
       (:Audit {seq: 7, at: '2024-01-01', action: 'created'});
