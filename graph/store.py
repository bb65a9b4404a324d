"""The store contract: what every store (embedded SQLite, Neo4j) does, and nothing about how.

It is a few small role protocols, one per thing the jobs need, each a handful of methods that read and
write by key in batches; `Store` is all of them. The rules live once, in Python, for both stores: the
closure of what changed (graph/closure.py, over `neighbours`), the attribution of interactions
(graph/attribution.py, over `attribution_facts`), what an erasure removes (graph/erasure.py, over the
`erasure_*` reads), components, stable ids, golden records, matching. A store only reads and writes.

Every write method is one transaction, or joins the one `atomic` has open (one use case: a merge with
its audit, an erasure with its suppression); every write transaction stamps what it changes with the
store's next change sequence (graph/work.py). A killed run leaves the store as it was before the
transaction or after it. Frames are polars DataFrames so the jobs compute over them without per-row
Python.

The contract suite (tests/test_contract.py, tests/test_neo4j_store.py) pins both stores to the same
answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar, runtime_checkable

import polars as pl

from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow, WriteCounts

T = TypeVar("T")

# The work marks (graph/work.py): "link" and "resolve" on customers, "attribution" on interactions.
MARKS = ("link", "resolve", "attribution")

# Columns of customers_frame(), in order; then one per further identifier kind and attribute asked for.
CUSTOMER_COLUMNS = (
    "uid", "source", "source_id", "first_name", "last_name", "dob", "address", "city", "postcode",
    "country", "updated_at", "seq", "emails", "phones", "devices", "profile_id",
)

# What bulk(kind) streams (see BulkExport).
BULK_KINDS = ("records", "profiles", "attribute_keys", "customers", "identifiers", "identifier_ties", "interactions",
              "links", "profile_lineage", "audit", "suppression", "households", "household_members", "traits")


def frame_extras(identifier_kinds: Sequence[str], attributes: Sequence[str]) -> tuple[list[str], list[str]]:
    """The extra columns customers_frame() is asked for, distinct and in order; ValueError when one would
    clash with a column of CUSTOMER_COLUMNS or with another (the mapping's names never do)."""
    kinds, names = list(dict.fromkeys(identifier_kinds)), list(dict.fromkeys(attributes))
    clash = (set(kinds) | set(names)) & set(CUSTOMER_COLUMNS) or set(kinds) & set(names)
    if clash:
        raise ValueError(f"customers_frame: {', '.join(sorted(clash))} would be two columns of one name")
    return kinds, names


def identifier_lists(kinds: Sequence[str]) -> list[tuple[str, str]]:
    """(kind, column) of customers_frame()'s lists of identifiers: email, phone and device, then a column per
    further kind asked for (named as the kind)."""
    return [("email", "emails"), ("phone", "phones"), ("device", "devices"), *((k, k) for k in kinds)]


class Transactions(Protocol):
    """Opening the store, and units of work."""

    name: str  # "embedded" | "neo4j"

    def init(self) -> None:
        """Create the schema (constraints, indexes, tables), migrating an older store; idempotent."""

    def close(self) -> None: ...

    def atomic(self, work: Callable[[], T]) -> T:
        """Run `work` with every write and read it makes on this store in one write transaction (one use
        case). Neo4j may run it again on a transient error: `work` only reads and writes the store and
        computes."""

    def snapshot(self, work: Callable[[], T]) -> T:
        """Run `work` with every read it makes in one read transaction: on the embedded store one state of
        the file (WAL); on Neo4j (read committed) reads may see later commits, and correctness comes from
        the watermarks instead."""


class WorkMarks(Protocol):
    """The change sequence, each job's watermark, the records stamped after it, and leases."""

    def marks(self) -> dict:
        """{sequence: the change sequence of the last committed write transaction, erased: that of the last
        erasure, watermarks: {job: the sequence it has read up to}}."""

    def advance_watermark(self, job: str, seq: int) -> None:
        """Move `job`'s watermark up to `seq` (never down), in the caller's transaction when one is open."""

    def changed(self, mark: str, after: int) -> list[str]:
        """The records stamped with `mark` (MARKS) after sequence `after`, by uid: customers for "link" and
        "resolve", interactions for "attribution"."""

    def take_lease(self, job: str, holder: dict, now: str, replaces: str | None = None) -> dict | None:
        """Take (or renew) `job`'s lease for holder {owner, pid, host, taken_at, expires_at}: None when
        taken; else the current holder's dict, unless its lease expired before `now` or its owner is
        `replaces` (a holder whose process is gone), when it is taken over."""

    def release_lease(self, job: str, owner: str) -> None: ...


class RecordsIn(Protocol):
    """The ingest job's writes."""

    def write_customers(self, rows: Sequence[CustomerRow], run_tag: str) -> WriteCounts:
        """Upsert customer records and their identifiers. A row whose row_hash is unchanged is left alone;
        a new or changed one is stamped for the link job and for resolve."""

    def write_interactions(self, rows: Sequence[InteractionRow], run_tag: str) -> WriteCounts:
        """Upsert interactions, stamped for attribution, their identifiers, and for an event that names its
        customer (BY), tie that customer to the event's identifiers (a login on a device: USES_DEVICE)."""

    def write_customer_frame(self, frame: pl.DataFrame, run_tag: str) -> WriteCounts:
        """`write_customers` of a frame of records (graph/record_frames.py: CUSTOMER_SCHEMA), as ingest makes
        them: the same writes and counts."""

    def write_interaction_frame(self, frame: pl.DataFrame, run_tag: str) -> WriteCounts:
        """`write_interactions` of a frame of records (INTERACTION_SCHEMA)."""

    def suppressed(self, hashes: Sequence[str]) -> set[str]:
        """Which of these salted hashes are suppression entries (a forgotten person not to bring back)."""

    def has_suppression(self) -> bool:
        """Whether any suppression entry exists: most stores have none, and then no batch needs hashing."""

    def salt(self) -> str:
        """The store's random salt for suppression and erasure hashes, made on first use and kept in the
        store (embedded: the `meta` table; Neo4j: a node), so the same value hashes alike on every run."""


class Links(Protocol):
    """The link job and the guard: records in, scored links and shared marks out."""

    def customers_frame(self, uids: Sequence[str] | None = None, *, identifier_kinds: Sequence[str] = (),
                        attributes: Sequence[str] = ()) -> pl.DataFrame:
        """The customers (all when uids is None) with their fields and their non-shared identifiers as lists,
        sorted by uid: CUSTOMER_COLUMNS, then one List(Utf8) column per further identifier kind asked for
        (named by the kind: its non-shared values, sorted) and one Utf8 column per attribute asked for
        (null when the record has none). The link job, model training and resolve's golden records pass
        the mapping's declared kinds and attribute names."""

    def identifier_members(self, uids: Sequence[str] | None = None) -> pl.DataFrame:
        """For identifiers held by two or more customers (only those touching `uids` when given):
        kind, value, shared, uid, first_name, last_name, dob — one row per (identifier, customer)."""

    def set_shared(self, rows: Sequence[tuple[str, str, bool, str | None]], read_at: int | None = None) -> int:
        """Mark (kind, value) shared or not with its reason; the customers on a flipped identifier are
        stamped for the link job and resolve. Returns how many identifiers changed; no rows, no write.
        ErasedMeanwhile when someone was erased after `read_at` (the reasons name the records judged)."""

    def replace_links(self, rows: Sequence[LinkRow], touching: Sequence[str] | None) -> None:
        """Delete the scored links touching `touching` (all when None) and write `rows` (none to a record
        that is not there), in one transaction; customers whose links changed are stamped for resolve."""

    def links(self, kind: str | None = None, limit: int | None = None, *,
              touching: Sequence[str] | None = None) -> list[LinkRow]:
        """Scored links, best first: of one kind ('probable' | 'review', both when None), only those with an
        end among `touching` when given, at most `limit`."""

    def delete_link(self, a_uid: str, b_uid: str) -> None:
        """Delete the scored link of one pair; both records are stamped for resolve."""


class Resolution(Protocol):
    """What resolve reads (in one snapshot) and writes (in one transaction, or whole components per
    transaction when it is too big for one)."""

    def customer_count(self) -> int: ...

    def neighbours(self, uids: Sequence[str]) -> list[str]:
        """The customers among `uids` that are in the store and every customer one hop from them through
        what can put two records in one profile, old or new: a non-shared identifier, a probable link, a
        live judgement (either kind), the profile they are in now. graph/closure.py walks it."""

    def link_edges(self, scope: Sequence[str] | None) -> pl.DataFrame:
        """Edges that say 'same person' among customers in scope (all when None): columns a, b, kind,
        weight. `b` is a customer uid, or an identifier key 'kind:value' for identifier edges."""

    def profile_state(self, scope: Sequence[str] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(members, profiles) before resolve: members uid, seq, profile_id for customers in scope;
        profiles profile_id, seq, status for every profile those customers are in."""

    def profile_ids_taken(self, ids: Sequence[str]) -> set[str]: ...

    def max_profile_seq(self) -> int: ...

    def attribution_facts(self, scope: Sequence[str] | None, after: int) -> dict[str, pl.DataFrame]:
        """What graph/attribution.py decides from, for the interactions stamped for attribution after
        `after`, those naming a customer of `scope` and those carrying an identifier one holds (every
        interaction when scope is None): "events" (uid, customer_ref, named: the customer it names when that
        is in the store, named_profile: that customer's profile, profile_id: its attribution now) and
        "carried" (uid, holder: a customer holding a non-shared identifier it carries, holder_profile).
        Columns: attribution.EVENTS, CARRIED."""

    def write_resolution(self, members: pl.DataFrame, profiles: pl.DataFrame, retired: pl.DataFrame,
                         audit: Sequence[dict], attribution: pl.DataFrame, recount: Sequence[str], *,
                         mark: int | None = None, read_at: int | None = None,
                         then: Callable[[], None] | None = None) -> None:
        """Customers' profile ids (members: uid, profile_id), upserted profiles with their golden record,
        retired profiles (profile_id, status, merged_into, updated_at), audit entries, interactions'
        attribution (uid, profile_id), the interaction count of the profiles `recount`, then `then` (what
        follows from the profiles: resolve's households and traits, read and written through this store),
        and resolve's watermark advanced to `mark` last, all in the transaction that advances it (the one
        transaction, unless a store must write a very big resolution in several: then that is the last).
        ErasedMeanwhile, writing nothing, when someone was erased after `read_at`."""

    # Optional, not part of the contract: `components(scope, after) -> DataFrame | None` for a store that
    # can compute components itself (Neo4j with Graph Data Science); resolve uses it when present.


class JudgementsAndAudit(Protocol):
    """People's decisions (append-only, withdrawn by a date) and the audit trail."""

    def add_judgements(self, rows: Sequence[dict]) -> None:
        """Record judgements {judgement_id, kind: same|not_same, a_uid, b_uid, by, at, reason}; NotFoundError
        when a record is not in the store, recording none; their records are stamped for resolve."""

    def judgements(self, uids: Sequence[str] | None = None, include_deleted: bool = False) -> list[dict]: ...

    def withdraw_judgement(self, judgement_id: str, at: str) -> dict | None:
        """Set deleted_at once (a withdrawn judgement keeps its first date); the judgement, or None."""

    def add_audit(self, entries: Sequence[dict]) -> None:
        """Append audit entries (at, action, profile_id, by, reason, details), numbered by the store inside
        the write in the order given."""

    def audit(self, profile_id: str | None = None) -> list[dict]: ...


class PeopleReads(Protocol):
    """What a person asks of the graph: a profile, its records, identifiers and timeline, a record."""

    def profile(self, profile_id: str) -> dict | None: ...

    def profile_members(self, profile_id: str) -> list[dict]:
        """The records of a profile by source and id: uid, source, source_id, first_name, last_name, dob,
        address, city, postcode, country, updated_at, attributes (a dict, {} when none)."""

    def profile_interactions(self, profile_id: str, limit: int | None = None) -> list[dict]: ...

    def customer_identifiers(self, uids: Sequence[str]) -> list[dict]:
        """The identifiers of these customers: uid, kind, value, shared, shared_reason, one row per edge."""

    def find_customers(self, kind: str, value: str) -> list[dict]:
        """Customers by identifier (kind email|phone|device or any declared kind, value normalised) or by
        record (kind 'record', value uid)."""

    def profile_view(self, kind: str, value: str, limit: int | None = None) -> dict:
        """What a profile answer needs, in one read: kind 'profile' names a profile by id (value), any other
        kind finds customers as find_customers does. found (those customers, uid and profile_id), profile
        (the one named, or the one profile the customers found are in; None when several or none), members,
        identifiers (of the members), interactions (the first `limit`), traits and households (each as
        household gives it), as the reads of those names give them (graph/profile_view.py)."""

    def record_profiles(self, uids: Sequence[str]) -> dict[str, str | None]:
        """The profile of each record (customer or interaction) named, by uid: a customer's profile, an
        interaction's attribution (None when it has none); uids not in the store are left out."""

    def stats(self) -> dict: ...


class Erasure(Protocol):
    """graph/erasure.py decides what goes; the store reads and writes by key, in the forget job's one
    transaction."""

    def erasure_facts(self, uids: Sequence[str]) -> dict[str, pl.DataFrame]:
        """What the records `uids` touch: "customers" (those in the store: uid, profile_id, first_name,
        last_name), "ties" (every identifier they hold: uid, kind, value, shared, holders = how many customers
        hold it), "lineage" (their profiles and the retired profiles merged into those at any depth:
        profile_id, root, status, members = the records of the root). Columns: erasure.CUSTOMERS, TIES, LINEAGE."""

    def erasure_events(self, refs: Sequence[str], profiles: Sequence[str],
                       identifiers: Sequence[tuple[str, str]]) -> dict[str, pl.DataFrame]:
        """The interactions naming one of `refs`, attributed to one of `profiles` or carrying one of
        `identifiers`: "interactions" (uid, customer_ref, ref_exists, profile_id) and "carried" (the
        identifiers they carry: uid, kind, value, holders, carriers). Columns: erasure.EVENTS, CARRIED."""

    def erasure_texts(self, tokens: Sequence[str]) -> list[dict]:
        """Text that may name an erased person: audit entries with a reason or whose details hold one of
        `tokens` exactly, judgements with a reason: {kind: audit|judgement, key (seq or judgement_id),
        reason, details}."""

    def erase(self, plan: dict) -> dict:
        """Delete and scrub by key what graph/erasure.py decided (Plan.store_plan()): the customers with
        their ties, links and judgements; the interactions; the identifiers; the profiles `whole` with
        their audit entries, traits and household memberships (and `split_from` naming them); the golden
        records of `partial`, whose records and interactions are stamped for resolve; the records of the
        profiles `housemates` stamped for resolve; `rejudge` un-marked and their holders stamped; `texts`
        written back. Records the erasure's change sequence, so that a job that read before it writes
        nothing of what it computed (ErasedMeanwhile). Returns {links, judgements, profiles} deleted."""

    def add_suppression(self, rows: Sequence[tuple[str, str]], at: str) -> int:
        """Add (hash, kind) suppression entries (idempotent); returns how many were new."""


class RunLog(Protocol):
    """What each run of a job did (ingest, replay, link), for `idgraph report`."""

    def record_run(self, run_tag: str, job: str, started_at: str, summary: dict) -> None:
        """Keep what one run of a job did in the store's run log: its tag, the job ("ingest", "replay",
        "link"), when it started (ISO 8601, UTC) and its summary (plain JSON-able data, no personal
        values). A second entry under the same tag replaces the first."""

    def runs(self, job: str | None = None, limit: int | None = None) -> list[dict]:
        """The run log, newest first (by started_at, then run_tag): run_tag, job, started_at and summary
        (a dict); only the runs of `job` when given, at most `limit` of them."""


class BulkExport(Protocol):
    """Whole-graph streams: `idgraph export` (records and profiles) and a first load into another store
    (`idgraph export --neo4j-import DIR`): every row of a kind, in a stable order, fetched lazily so that
    millions of rows are never held in memory at once. Judgements come from judgements(None, True), the
    change sequence and watermarks from marks()."""

    def bulk_snapshot(self) -> AbstractContextManager[None]:
        """A context in which the bulk streams see one state of the store, where the engine gives one
        (embedded: one read transaction). Elsewhere (Neo4j Community reads at read-committed) the caller
        makes sure no job writes meanwhile."""

    def bulk(self, kind: str) -> Iterator[Any]:
        """The rows of one kind (BULK_KINDS):
        * records: (kind 'customer'|'interaction', source, record_id, profile_id) for every record, by kind,
          source and id;
        * profiles: every profile (any status) with its lineage and golden record, by id (sources: a JSON
          list in text);
        * attribute_keys: every attribute name a customer record holds, sorted (the customer file's columns);
        * customers: dicts by uid: uid, source, source_id, first_name, last_name, full_name, dob, address,
          city, postcode, country, updated_at, row_hash, run_tag, seq, profile_id (only when that profile
          exists: IN_PROFILE), resolve_seq and link_seq (the work marks), attributes (a dict);
        * identifiers: dicts by kind and value: kind, value, shared (bool), shared_reason;
        * identifier_ties: (holder, uid, kind, value, origin) for every tie whose both ends exist, holder
          'customer' (origin 'record' or an event's source) or 'interaction' (origin None);
        * interactions: dicts by uid: uid, source, source_id, at, channel, type, customer_ref, attributes,
          row_hash, run_tag, profile_id, resolve_seq, by (customer_ref when that customer is in the store);
        * links: LinkRow of every scored link whose both customers exist, by (a_uid, b_uid);
        * profile_lineage: (profile_id, 'merged_into'|'split_from', other profile_id) where the other exists;
        * audit: dicts by seq: seq, at, action, profile_id, by, reason, details (JSON text);
        * suppression: dicts by hash: hash, kind, at; and the salt, if one was made, as the one row of kind
          'salt' first ({hash: 'salt', kind: 'salt', at: None, value}) without making one;
        * households: dicts by household_id (any status): household_id, seq, status, merged_into,
          split_from, created_at, updated_at, size, evidence (a list);
        * household_members: (profile_id, household_id) of every membership, by profile and household;
        * traits: (profile_id, stamp, traits: a dict) of every profile with traits, by profile."""


class Households(Protocol):
    """Households (graph/households.py decides them): what resolve reads and writes, in its transaction,
    through ingest/jobs/households.py, and what a person asks of a household. Evidence keys are
    'kind:value' (an identifier) or 'dwelling:postcode|address' / 'surname_postcode:postcode|surname'."""

    def household_evidence(self, profile_ids: Sequence[str] | None, kinds: Sequence[str]) -> pl.DataFrame:
        """profile_id, key: the evidence of `kinds` the records of these profiles (every profile when None)
        hold themselves (origin 'record'; a dwelling only with a house number)."""

    def household_holders(self, keys: Sequence[str], limit: int | None = None) -> pl.DataFrame:
        """profile_id, key: the profiles whose records hold one of these evidence keys, at most `limit` of
        them a key (None: all; a key held by more than the households' size cap makes none, so the job
        asks for one more than the cap). For a dwelling key (in its canonical form) every profile with a
        numbered address line at its postcode that holds the dwelling's first number and street start
        (graph/households.py dwelling_probe), the key as that line is written: the job keeps the lines of
        the dwelling's form (canonical), so no `limit` applies there."""

    def household_members(self, profile_ids: Sequence[str] | None) -> pl.DataFrame:
        """household_id, profile_id, seq, status: every member of the active households these profiles are
        in (every active household when None)."""

    def household_ids_taken(self, ids: Sequence[str]) -> set[str]: ...

    def max_household_seq(self) -> int: ...

    def write_households(self, members: pl.DataFrame, households: pl.DataFrame, retired: pl.DataFrame,
                         scope: Sequence[str] | None) -> None:
        """The memberships of the profiles in scope (all when None) become `members` (household_id,
        profile_id); `households` (household_id, seq, status, split_from, created_at, updated_at, size,
        evidence) are upserted; `retired` (household_id, status, merged_into, updated_at) lose their members."""

    def household(self, household_id: str) -> dict | None:
        """A household with its members: its fields, evidence (a list), members (profile_id, first_name,
        last_name, city, postcode)."""

    def profile_households(self, profile_id: str) -> list[str]: ...


class Traits(Protocol):
    """A profile's traits (graph/traits.py computes them): what resolve reads and writes, in its
    transaction, through ingest/jobs/traits.py, and what `show` reads."""

    # The most profiles whose traits one transaction computes and writes (None: any number). Neo4j holds
    # a transaction's changes in a bounded pool: the traits of 107,000 profiles (a whole resolve at
    # 100,000 people) did not fit in the local server's default. Past it, resolve expires the rest
    # (`expire_traits`) and the refresh computes them a chunk per transaction (ingest/jobs/traits.py).
    traits_per_transaction: int | None

    def active_profiles(self) -> list[str]: ...

    def profile_events(self, profile_ids: Sequence[str] | None) -> pl.DataFrame:
        """The interactions attributed to these profiles (all when None): graph/traits.py EVENT_SCHEMA."""

    def interaction_profiles(self, uids: Sequence[str]) -> list[str]:
        """The profiles these interactions are attributed to, distinct and sorted."""

    def traits_stale(self, stamp: str) -> bool:
        """Whether every profile's traits must be computed again: no profile has traits yet, or some were
        computed under another stamp (as_of date and a digest of the definitions) than `stamp`. A few
        index seeks, not a read of every profile: resolve asks on every run."""

    def stale_trait_profiles(self, stamp: str, limit: int) -> list[str]:
        """At most `limit` active profiles whose traits are stale: computed under another stamp than `stamp`
        (older stamps first, then newer, each in the order of the stamp index), then those without traits
        (by id). Index seeks that stop at `limit`, and the profiles without traits looked for only when
        `stale_trait_count` says some are: a refresh asks once per chunk (ingest/jobs/traits.py)."""

    def stale_trait_count(self, stamp: str) -> int:
        """How many active profiles have no traits under `stamp` (stale or missing): counts on indexes."""

    def write_traits(self, traits: pl.DataFrame, stamp: str, clear: Sequence[str]) -> None:
        """Each row's traits (profile_id and the values: graph/traits.py compute) replace the profile's,
        under `stamp`; the traits of the profiles in `clear` (retired) are removed."""

    def expire_traits(self, profile_ids: Sequence[str]) -> None:
        """These profiles' traits are out of date: stale under every stamp (their values stay until
        computed again), so `traits_stale` says so and `stale_trait_profiles` finds them, older stamps
        first. One property each, where writing their traits is one per trait."""

    def profile_traits(self, profile_id: str) -> dict: ...


@runtime_checkable
class Store(Transactions, WorkMarks, RecordsIn, Links, Resolution, JudgementsAndAudit, PeopleReads, Erasure,
            RunLog, BulkExport, Households, Traits, Protocol):
    """The graph, as the jobs see it: every role."""


ROLES = (Transactions, WorkMarks, RecordsIn, Links, Resolution, JudgementsAndAudit, PeopleReads, Erasure,
         RunLog, BulkExport, Households, Traits)


def contract_methods() -> dict[str, list[str]]:
    """The methods of each role (docs/architecture.md states the count; tests/test_contract.py checks both
    stores have them)."""
    return {role.__name__: [name for name, value in vars(role).items() if callable(value) and not name.startswith("_")]
            for role in ROLES}
