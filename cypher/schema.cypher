// The Neo4j store's schema, applied by Neo4jStore.init() on every open: idempotent (IF NOT EXISTS).
// A uniqueness constraint on every key (each is backed by an index, so every MERGE and lookup on a key
// is an index seek), then an index for every other lookup the store and the named queries make.
// Constraints come first: the loader's MERGEs rely on them, so they exist before any data is written.

// -- keys ----------------------------------------------------------------------------------------------
CREATE CONSTRAINT customer_uid IF NOT EXISTS FOR (c:Customer) REQUIRE c.uid IS UNIQUE;
CREATE CONSTRAINT email_address IF NOT EXISTS FOR (e:Email) REQUIRE e.address IS UNIQUE;
CREATE CONSTRAINT phone_number IF NOT EXISTS FOR (p:Phone) REQUIRE p.number IS UNIQUE;
CREATE CONSTRAINT device_id IF NOT EXISTS FOR (d:Device) REQUIRE d.id IS UNIQUE;
// A kind the mapping declares (national_id, loyalty_number...) is an Identifier keyed 'kind:value':
// Community has no node-key constraint on (kind, value), so the pair is one unique property.
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (o:Identifier) REQUIRE o.key IS UNIQUE;
CREATE CONSTRAINT interaction_uid IF NOT EXISTS FOR (i:Interaction) REQUIRE i.uid IS UNIQUE;
CREATE CONSTRAINT profile_id IF NOT EXISTS FOR (p:Profile) REQUIRE p.profile_id IS UNIQUE;
CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (a:Audit) REQUIRE a.seq IS UNIQUE;
CREATE CONSTRAINT suppression_hash IF NOT EXISTS FOR (s:Suppression) REQUIRE s.hash IS UNIQUE;
// The change sequence (one node, key 'change'), each job's watermark, each job's lease (graph/work.py).
CREATE CONSTRAINT sequence_key IF NOT EXISTS FOR (s:Sequence) REQUIRE s.key IS UNIQUE;
CREATE CONSTRAINT watermark_job IF NOT EXISTS FOR (w:Watermark) REQUIRE w.job IS UNIQUE;
CREATE CONSTRAINT lease_job IF NOT EXISTS FOR (l:Lease) REQUIRE l.job IS UNIQUE;
CREATE CONSTRAINT run_tag IF NOT EXISTS FOR (r:Run) REQUIRE r.run_tag IS UNIQUE;
CREATE CONSTRAINT household_id IF NOT EXISTS FOR (h:Household) REQUIRE h.household_id IS UNIQUE;
// Judgements are relationships; their id is unique per type (relationship uniqueness: Community 5.7+).
CREATE CONSTRAINT same_as_judgement IF NOT EXISTS FOR ()-[j:SAME_AS]-() REQUIRE j.judgement_id IS UNIQUE;
CREATE CONSTRAINT not_same_as_judgement IF NOT EXISTS FOR ()-[j:NOT_SAME_AS]-() REQUIRE j.judgement_id IS UNIQUE;

// -- work marks: what the link job and resolve must look at (changed after their watermark) -------------
// (the boolean marks of older graphs, and their indexes, go: Neo4jStore.init migrates them)
DROP INDEX customer_dirty IF EXISTS;
DROP INDEX customer_link_dirty IF EXISTS;
DROP INDEX interaction_dirty IF EXISTS;
CREATE INDEX customer_resolve_seq IF NOT EXISTS FOR (c:Customer) ON (c.resolve_seq);
CREATE INDEX customer_link_seq IF NOT EXISTS FOR (c:Customer) ON (c.link_seq);
CREATE INDEX interaction_resolve_seq IF NOT EXISTS FOR (i:Interaction) ON (i.resolve_seq);

// -- lookups ---------------------------------------------------------------------------------------------
CREATE INDEX customer_seq IF NOT EXISTS FOR (c:Customer) ON (c.seq);
CREATE INDEX customer_source IF NOT EXISTS FOR (c:Customer) ON (c.source, c.source_id);
CREATE INDEX interaction_customer_ref IF NOT EXISTS FOR (i:Interaction) ON (i.customer_ref);
CREATE INDEX interaction_profile IF NOT EXISTS FOR (i:Interaction) ON (i.profile_id);
CREATE INDEX interaction_source IF NOT EXISTS FOR (i:Interaction) ON (i.source, i.source_id);
CREATE INDEX interaction_at IF NOT EXISTS FOR (i:Interaction) ON (i.at);
CREATE INDEX email_shared IF NOT EXISTS FOR (e:Email) ON (e.shared);
CREATE INDEX phone_shared IF NOT EXISTS FOR (p:Phone) ON (p.shared);
CREATE INDEX device_shared IF NOT EXISTS FOR (d:Device) ON (d.shared);
CREATE INDEX identifier_shared IF NOT EXISTS FOR (o:Identifier) ON (o.shared);
CREATE INDEX identifier_kind IF NOT EXISTS FOR (o:Identifier) ON (o.kind);
CREATE INDEX profile_status IF NOT EXISTS FOR (p:Profile) ON (p.status);
CREATE INDEX profile_seq IF NOT EXISTS FOR (p:Profile) ON (p.seq);
CREATE INDEX profile_updated_at IF NOT EXISTS FOR (p:Profile) ON (p.updated_at);
// households: a dwelling's holders by postcode; the largest households; segments on traits
CREATE INDEX customer_postcode IF NOT EXISTS FOR (c:Customer) ON (c.postcode);
// The holders of a household's evidence keys (households/holders.cypher) by both parts of the key, not
// every record at the postcode.
CREATE INDEX customer_dwelling IF NOT EXISTS FOR (c:Customer) ON (c.postcode, c.address);
CREATE INDEX customer_surname_postcode IF NOT EXISTS FOR (c:Customer) ON (c.postcode, c.last_name);
CREATE INDEX household_status IF NOT EXISTS FOR (h:Household) ON (h.status);
CREATE INDEX household_size IF NOT EXISTS FOR (h:Household) ON (h.size);
CREATE INDEX profile_last_purchase IF NOT EXISTS FOR (p:Profile) ON (p.last_purchase);
CREATE INDEX profile_first_seen IF NOT EXISTS FOR (p:Profile) ON (p.first_seen);
// Whether traits are current is three seeks here (cypher/traits/stale.cypher), not a read of every profile.
CREATE INDEX profile_traits_stamp IF NOT EXISTS FOR (p:Profile) ON (p.traits_stamp);
CREATE INDEX audit_profile IF NOT EXISTS FOR (a:Audit) ON (a.profile_id);
CREATE INDEX run_job IF NOT EXISTS FOR (r:Run) ON (r.job);
CREATE INDEX probably_same_score IF NOT EXISTS FOR ()-[r:PROBABLY_SAME]-() ON (r.score);
CREATE INDEX maybe_same_score IF NOT EXISTS FOR ()-[r:MAYBE_SAME]-() ON (r.score);
