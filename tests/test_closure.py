"""The scope of an incremental resolve (graph/closure.py) on each store: every record reachable from the
changed ones through each kind of tie, read from both ends, and nothing else."""

from __future__ import annotations

from idgraph.graph.closure import closure
from idgraph.graph.records import CustomerRow, LinkRow
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from tests.helpers import small_project


def _customer(uid: str, *identifiers: tuple[str, str]) -> CustomerRow:
    return CustomerRow(uid=uid, source="crm", source_id=uid.split(":")[1], first_name="Ann", last_name="Lee",
                       row_hash=uid, identifiers=list(identifiers))


def test_closure_follows_every_tie_from_either_end_and_each_record_once(store, tmp_path):
    email, kiosk, phone = ("email", "ann@mailbox.co.uk"), ("phone", "+447700900009"), ("phone", "+447700900001")
    store.write_customers([
        _customer("crm:a", email), _customer("crm:b", email),        # a, b: one email
        _customer("crm:c"),                                          # b - c: a probable link, (b, c)
        _customer("crm:d"),                                          # c - d: a merge judgement, (c, d)
        _customer("crm:e", phone), _customer("crm:f", phone),        # e, f: one profile, then the phone shared
        _customer("crm:g"), _customer("crm:h"),                      # g, h: a shared identifier only
        _customer("crm:x", ("email", "x@mailbox.co.uk")),            # x: no tie to anyone
    ], "t")
    resolve(store, load_mapping(small_project(tmp_path, [])))
    later = [_customer("crm:g", kiosk), _customer("crm:h", kiosk)]
    for row in later:
        row.row_hash += "-kiosk"
    store.write_customers(later, "t")
    store.set_shared([("phone", kiosk[1], True, "a kiosk"), ("phone", phone[1], True, "a family landline")])
    store.replace_links([LinkRow("crm:b", "crm:c", 0.99, "{}", "probable"),
                         LinkRow("crm:d", "crm:e", 0.5, "{}", "review")], None)  # review links join no one
    store.add_judgements([{"judgement_id": "J1", "kind": "same", "a_uid": "crm:c", "b_uid": "crm:d", "by": "t",
                           "at": "2024-01-01T00:00:00Z"}])
    chain = ["crm:a", "crm:b", "crm:c", "crm:d"]
    # from c: the link read from its b end, the judgement from its a end, the email from b
    assert closure(store, ["crm:c"]) == chain
    assert closure(store, ["crm:a", "crm:nobody"]) == chain
    assert closure(store, ["crm:d"]) == chain
    assert closure(store, ["crm:e"]) == ["crm:e", "crm:f"]  # the profile they are in now
    assert closure(store, ["crm:g"]) == ["crm:g"]
    assert closure(store, ["crm:x", "crm:g"]) == ["crm:g", "crm:x"]
    assert closure(store, []) == []


def test_closure_reads_the_neighbours_of_each_record_once(store):
    """A chain of ten records, one email per pair of neighbours: ten hops, each record asked about once."""
    store.write_customers([_customer(f"crm:{i}", ("email", f"p{i}@mailbox.co.uk"), ("email", f"p{i + 1}@mailbox.co.uk"))
                           for i in range(10)], "t")
    asked: list[str] = []

    class Counting:
        def neighbours(self, uids):
            asked.extend(uids)
            return store.neighbours(uids)

    assert closure(Counting(), ["crm:0"]) == sorted(f"crm:{i}" for i in range(10))
    assert sorted(asked) == sorted(f"crm:{i}" for i in range(10))
