"""read_after: the customers frame the link job read to train, less what its guard then marked shared, is
what the store reads after the guard (so the job need not read it twice). Both stores."""

from __future__ import annotations

import polars as pl

from idgraph.ingest.jobs.guard import GuardRun, read_after, run_guard
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from tests.helpers import person, small_project

# A landline of five (more than the guard's three), a cookie four people logged in on, a couple's email.
CRM = [*(person(str(i), name, "evans", phone="01632 960001", email=f"{name}@example.org")
         for i, name in enumerate(["tom", "ann", "bea", "cal", "dan"], start=1)),
       person("6", "eve", "khan", email="home@example.org", phone="01632 960002"),
       person("7", "gus", "khan", email="home@example.org")]
WEB = [{"event_id": f"e{i}", "ts": "2024-01-01T00:00:00Z", "cookie": "kiosk-1", "event": "login", "user_id": str(i)}
       for i in range(1, 5)] + [{"event_id": "e9", "ts": "2024-01-01T00:00:00Z", "cookie": "c-6", "event": "login",
                                 "user_id": "6"}]


def test_the_frame_read_before_the_guard_less_what_it_marked_is_the_frame_read_after(store, tmp_path):
    mapping = load_mapping(small_project(tmp_path, CRM, WEB, guard={"max_customers": 3}))
    ingest(store, mapping)
    before = store.customers_frame(**mapping.frame_columns())
    run = run_guard(store, mapping, None, None)
    after = store.customers_frame(**mapping.frame_columns())
    assert run.flipped == 2 and sorted(run.flips["value"]) == ["+441632960001", "kiosk-1"]
    assert not before.equals(after)  # the lists held them before
    assert read_after(before, run, mapping.identifier_kinds()).equals(after)


def test_a_run_that_cleared_an_identifier_leaves_the_frame_to_a_read():
    frame = pl.DataFrame({"uid": ["a"], "emails": [["x@y.org"]], "phones": [[]], "devices": [[]]},
                         schema_overrides={"phones": pl.List(pl.String), "devices": pl.List(pl.String)})
    flips = pl.DataFrame({"kind": ["email", "phone"], "value": ["x@y.org", "+441632960001"], "shared": [True, False]})
    assert read_after(frame, GuardRun(2, flips), ()) is None
    marked = read_after(frame, GuardRun(1, flips.head(1)), ())
    assert marked["emails"].to_list() == [[]] and marked.select("phones", "devices").equals(frame.select("phones", "devices"))
