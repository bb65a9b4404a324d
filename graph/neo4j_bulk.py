"""The bulk export streams of the store contract (`BulkExport` in graph/store.py) on Neo4j.

A mixin for `Neo4jStore` (`class Neo4jStore(Neo4jBulkExport): ...`): it uses only the store's `_stream`
(a long read fetched lazily in batches of `batch_size`) and `_values`. The statements are the files of
`cypher/bulk/`. Neo4j Community reads at read-committed, so `bulk_snapshot` holds nothing: export from a
graph no job is writing to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from idgraph.graph.records import LinkRow
from idgraph.graph.store import BULK_KINDS

_CUSTOMER_KEYS = ("uid", "source", "source_id", "first_name", "last_name", "full_name", "dob", "address", "city",
                  "postcode", "country", "updated_at", "row_hash", "run_tag", "seq", "profile_id", "resolve_seq",
                  "link_seq", "attributes")
_INTERACTION_KEYS = ("uid", "source", "source_id", "at", "channel", "type", "customer_ref", "attributes", "row_hash",
                     "run_tag", "profile_id", "resolve_seq", "by")


class Neo4jBulkExport:
    """bulk_* of the Store contract, for a class that has Neo4jStore's `_stream` and `_values`."""

    # Neo4jStore provides these (not declared here, so the mixin may come first or last in the bases).
    _stream: Callable[..., Iterator[list]]
    _values: Callable[..., list[list]]

    @contextmanager
    def bulk_snapshot(self):
        yield

    def bulk(self, kind: str) -> Iterator:
        if kind not in BULK_KINDS:
            raise ValueError(f"unknown bulk kind {kind!r}: one of {', '.join(BULK_KINDS)}")
        return getattr(self, f"_bulk_{kind}")()

    def _bulk_customers(self) -> Iterator[dict]:
        for row in self._stream("bulk/customers"):
            found = dict(zip(_CUSTOMER_KEYS, row))
            found["attributes"] = dict(found["attributes"])
            yield found

    def _bulk_attribute_keys(self) -> Iterator[str]:
        for row in self._values("bulk/attribute_keys"):
            yield row[0]

    def _bulk_identifiers(self) -> Iterator[dict]:
        for kind, value, shared, reason in self._stream("bulk/identifiers"):
            yield {"kind": kind, "value": value, "shared": shared, "shared_reason": reason}

    def _bulk_identifier_ties(self) -> Iterator[tuple[str, str, str, str, str | None]]:
        for holder, uid, kind, value, origin in self._stream("bulk/identifier_ties"):
            yield holder, uid, kind, value, origin

    def _bulk_interactions(self) -> Iterator[dict]:
        for row in self._stream("bulk/interactions"):
            yield dict(zip(_INTERACTION_KEYS, row))

    def _bulk_links(self) -> Iterator[LinkRow]:
        for a, b, score, evidence, kind in self._stream("bulk/links"):
            yield LinkRow(a, b, score, evidence, kind)

    def _bulk_profile_lineage(self) -> Iterator[tuple[str, str, str]]:
        for profile_id, kind, other in self._stream("bulk/profile_lineage"):
            yield profile_id, kind, other

    def _bulk_audit(self) -> Iterator[dict]:
        for seq, at, action, profile_id, by, reason, details in self._stream("bulk/audit"):
            yield {"seq": seq, "at": at, "action": action, "profile_id": profile_id, "by": by, "reason": reason,
                   "details": details}

    def _bulk_suppression(self) -> Iterator[dict]:
        salt = self._salt()
        if salt is not None:
            yield {"hash": "salt", "kind": "salt", "at": None, "value": salt}
        for hash_, kind, at in self._stream("bulk/suppression"):
            yield {"hash": hash_, "kind": kind, "at": at, "value": None}

    def _salt(self) -> str | None:
        """The store's salt if one was made, without making one (an export writes nothing)."""
        return self._values("bulk/salt")[0][0]
