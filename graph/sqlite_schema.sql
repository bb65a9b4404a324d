-- The embedded store's schema. Idempotent: applied on every open. A column added since a store file was
-- made is added to that file on open too, before this runs (SQLiteStore._migrate): customer.attributes,
-- and the work marks as change sequences (resolve_seq, link_seq) where an older file had booleans.
-- Text keys (uid, kind+value) mirror the Neo4j model one to one, so both stores answer alike.
-- Work marks (graph/work.py): every write transaction takes the next number of meta 'seq' and stamps what
-- it changes with it; a job keeps the number it has read up to in meta 'watermark:<job>'.
PRAGMA foreign_keys = OFF;

CREATE TABLE IF NOT EXISTS customer (
    uid         TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    first_name  TEXT,
    last_name   TEXT,
    full_name   TEXT,
    dob         TEXT,
    address     TEXT,
    city        TEXT,
    postcode    TEXT,
    country     TEXT,
    updated_at  TEXT,
    row_hash    TEXT NOT NULL,
    run_tag     TEXT,
    seq         INTEGER NOT NULL,              -- arrival order: "the oldest record" wins ties
    profile_id  TEXT,                          -- IN_PROFILE
    resolve_seq INTEGER NOT NULL DEFAULT 0,    -- changed at this sequence: resolve must look at it (past its watermark)
    link_seq    INTEGER NOT NULL DEFAULT 0,    -- changed at this sequence: the link job must look at it
    attributes  TEXT                           -- JSON object, sorted keys, of the mapping's attributes; NULL: none
);
CREATE INDEX IF NOT EXISTS customer_profile ON customer(profile_id);
CREATE INDEX IF NOT EXISTS customer_resolve_seq ON customer(resolve_seq);
CREATE INDEX IF NOT EXISTS customer_link_seq ON customer(link_seq);
CREATE INDEX IF NOT EXISTS customer_source ON customer(source, source_id);
CREATE INDEX IF NOT EXISTS customer_seq ON customer(seq);

CREATE TABLE IF NOT EXISTS identifier (
    kind          TEXT NOT NULL,               -- email | phone | device | a kind the mapping declares
    value         TEXT NOT NULL,
    shared        INTEGER NOT NULL DEFAULT 0,  -- the guard stopped it linking
    shared_reason TEXT,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;

-- HAS_EMAIL / HAS_PHONE / USES_DEVICE / HAS_IDENTIFIER. origin 'record' comes from the customer's own row; any other
-- origin names the interaction that tied the customer to the identifier (a login on a device).
CREATE TABLE IF NOT EXISTS customer_identifier (
    customer_uid TEXT NOT NULL,
    kind         TEXT NOT NULL,
    value        TEXT NOT NULL,
    origin       TEXT NOT NULL,
    PRIMARY KEY (customer_uid, kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS customer_identifier_value ON customer_identifier(kind, value);

CREATE TABLE IF NOT EXISTS interaction (
    uid          TEXT PRIMARY KEY,
    source       TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    at           TEXT,
    channel      TEXT,
    type         TEXT,
    customer_ref TEXT,                         -- BY
    attributes   TEXT,
    row_hash     TEXT NOT NULL,
    run_tag      TEXT,
    profile_id   TEXT,                         -- attribution, derived by resolve
    resolve_seq  INTEGER NOT NULL DEFAULT 0    -- changed at this sequence: waiting for attribution
);
CREATE INDEX IF NOT EXISTS interaction_ref ON interaction(customer_ref);
CREATE INDEX IF NOT EXISTS interaction_profile ON interaction(profile_id);
CREATE INDEX IF NOT EXISTS interaction_resolve_seq ON interaction(resolve_seq);

-- VIA_EMAIL / VIA_PHONE / ON_DEVICE / VIA_IDENTIFIER
CREATE TABLE IF NOT EXISTS interaction_identifier (
    interaction_uid TEXT NOT NULL,
    kind            TEXT NOT NULL,
    value           TEXT NOT NULL,
    PRIMARY KEY (interaction_uid, kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS interaction_identifier_value ON interaction_identifier(kind, value);

-- PROBABLY_SAME (kind 'probable') and MAYBE_SAME (kind 'review'), a_uid < b_uid.
CREATE TABLE IF NOT EXISTS link (
    a_uid    TEXT NOT NULL,
    b_uid    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    score    REAL NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (a_uid, b_uid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_b ON link(b_uid);
CREATE INDEX IF NOT EXISTS link_kind ON link(kind);

-- SAME_AS / NOT_SAME_AS: append-only; a withdrawn judgement gets deleted_at, never an update in place.
CREATE TABLE IF NOT EXISTS judgement (
    judgement_id TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,               -- same | not_same
    a_uid        TEXT NOT NULL,
    b_uid        TEXT NOT NULL,
    by           TEXT NOT NULL,
    at           TEXT NOT NULL,
    reason       TEXT,
    deleted_at   TEXT
);
CREATE INDEX IF NOT EXISTS judgement_a ON judgement(a_uid);
CREATE INDEX IF NOT EXISTS judgement_b ON judgement(b_uid);

CREATE TABLE IF NOT EXISTS profile (
    profile_id        TEXT PRIMARY KEY,
    seq               INTEGER NOT NULL,        -- minting order: "the older id" survives a merge
    status            TEXT NOT NULL,           -- active | merged | split | empty
    merged_into       TEXT,
    split_from        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    first_name        TEXT,
    last_name         TEXT,
    dob               TEXT,
    email             TEXT,
    phone             TEXT,
    address           TEXT,
    city              TEXT,
    postcode          TEXT,
    country           TEXT,
    customer_count    INTEGER NOT NULL DEFAULT 0,
    interaction_count INTEGER NOT NULL DEFAULT 0,
    sources           TEXT
);
CREATE INDEX IF NOT EXISTS profile_status ON profile(status);
CREATE INDEX IF NOT EXISTS profile_seq ON profile(seq);

CREATE TABLE IF NOT EXISTS audit (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    action     TEXT NOT NULL,
    profile_id TEXT,
    by         TEXT,
    reason     TEXT,
    details    TEXT
);
CREATE INDEX IF NOT EXISTS audit_profile ON audit(profile_id);

CREATE TABLE IF NOT EXISTS suppression (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    at   TEXT NOT NULL
) WITHOUT ROWID;

-- The run log: one entry per run of ingest, replay and link, with its summary as JSON (idgraph report).
CREATE TABLE IF NOT EXISTS run (
    run_tag    TEXT PRIMARY KEY,
    job        TEXT NOT NULL,
    started_at TEXT NOT NULL,
    summary    TEXT
) WITHOUT ROWID;

-- 'salt'; 'seq' (the change sequence); 'watermark:<job>'; 'erased' (the sequence of the last erasure)
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', 0);

-- A job that must not overlap with itself (resolve, link) holds its lease while it runs (graph/work.py).
CREATE TABLE IF NOT EXISTS lease (
    job        TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    pid        INTEGER,
    host       TEXT,
    taken_at   TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;

-- Households (graph/households.py): profiles that share a dwelling, a landline or a family email.
-- IN_HOUSEHOLD is household_member; a profile may be in several households.
CREATE TABLE IF NOT EXISTS household (
    household_id TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL,            -- minting order: the older id survives a merge
    status       TEXT NOT NULL,               -- active | merged | empty
    merged_into  TEXT,
    split_from   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    size         INTEGER NOT NULL DEFAULT 0,
    evidence     TEXT                         -- JSON list of the evidence kinds: dwelling, phone, email
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS household_status ON household(status);

CREATE TABLE IF NOT EXISTS household_member (
    household_id TEXT NOT NULL,
    profile_id   TEXT NOT NULL,
    PRIMARY KEY (profile_id, household_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS household_member_household ON household_member(household_id);
-- A dwelling's holders are found by postcode and address line.
CREATE INDEX IF NOT EXISTS customer_dwelling ON customer(postcode, address);
-- ... and a surname at a postcode's by both: by the postcode alone, a batch of 500 rows read every record
-- of each postcode it named (8 s a batch at a million records with 90 postcodes).
CREATE INDEX IF NOT EXISTS customer_surname_postcode ON customer(postcode, last_name);

-- A profile's traits (graph/traits.py) as one JSON object, and the stamp (as_of date and definitions)
-- they were computed under: a new day or new definitions recompute every profile.
CREATE TABLE IF NOT EXISTS profile_trait (
    profile_id TEXT PRIMARY KEY,
    stamp      TEXT NOT NULL,
    traits     TEXT NOT NULL
) WITHOUT ROWID;
-- Whether traits are current is three seeks here (traits_stale), not a scan of every profile's row.
CREATE INDEX IF NOT EXISTS profile_trait_stamp ON profile_trait(stamp);
