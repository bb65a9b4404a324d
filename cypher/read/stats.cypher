// Counts of records, identifiers (of every kind), interactions, profiles, links and pending work
// (`idgraph stats`): customers_to_resolve are those stamped after resolve's watermark.
OPTIONAL MATCH (w:Watermark {job: 'resolve'})
WITH coalesce(w.seq, 0) AS resolved
RETURN COUNT { (:Customer) } AS customers,
       COUNT { (:Email) } + COUNT { (:Phone) } + COUNT { (:Device) } + COUNT { (:Identifier) } AS identifiers,
       COUNT { (:Email) } AS emails,
       COUNT { (:Phone) } AS phones,
       COUNT { (:Device) } AS devices,
       COUNT { (e:Email) WHERE e.shared = true } + COUNT { (p:Phone) WHERE p.shared = true }
         + COUNT { (d:Device) WHERE d.shared = true } + COUNT { (o:Identifier) WHERE o.shared = true }
         AS shared_identifiers,
       COUNT { (:Interaction) } AS interactions,
       COUNT { (i:Interaction) WHERE i.profile_id IS NOT NULL } AS attributed_interactions,
       COUNT { (p:Profile) WHERE p.status = 'active' } AS profiles,
       COUNT { ()-[:PROBABLY_SAME]->() } AS probable_links,
       COUNT { ()-[:MAYBE_SAME]->() } AS review_queue,
       COUNT { ()-[j:SAME_AS|NOT_SAME_AS]->() WHERE j.deleted_at IS NULL } AS judgements,
       COUNT { (c:Customer) WHERE c.resolve_seq > resolved } AS customers_to_resolve;
