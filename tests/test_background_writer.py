"""The ingest's writer thread (ingest/jobs/ingest.py BackgroundWriter): batches written in the order given;
batches made for it wait for room, batches the caller holds anyway do not; the first error stops the writing."""

from __future__ import annotations

import threading

import pytest

from idgraph.ingest.jobs.ingest import BackgroundWriter


def _blocked_writer(depth: int) -> tuple[BackgroundWriter, threading.Event, list]:
    """A writer whose first batch waits for `release`; what it wrote goes to `written`."""
    release, written = threading.Event(), []
    writer = BackgroundWriter(depth=depth)
    writer.submit(lambda: (release.wait(), written.append("first")))
    return writer, release, written


def test_batches_are_written_in_the_order_given_held_or_not():
    writer, release, written = _blocked_writer(depth=2)
    writer.submit(written.append, 0)
    for i in range(1, 4):
        writer.submit(written.append, i, held=True)
    release.set()
    for i in range(4, 10):
        writer.submit(written.append, i, held=i % 2 == 0)
    writer.close()
    assert written == ["first", *range(10)]


def test_held_batches_are_queued_at_once_while_made_ones_wait_for_room():
    writer, release, written = _blocked_writer(depth=1)
    held = threading.Thread(target=lambda: [writer.submit(written.append, i, held=True) for i in range(50)])
    held.start()
    held.join(timeout=30)
    assert not held.is_alive(), "a held batch waited for room"
    made = threading.Thread(target=writer.submit, args=(written.append, "made"))
    made.start()
    made.join(timeout=0.5)
    assert made.is_alive(), "a made batch was queued past the writer's depth"
    release.set()
    made.join(timeout=30)
    writer.close()
    assert written == ["first", *range(50), "made"]


def test_the_first_error_stops_the_writing_and_reaches_the_caller():
    writer, release, written = _blocked_writer(depth=3)
    writer.submit(lambda: 1 / 0, held=True)
    writer.submit(written.append, "after", held=True)
    release.set()
    with pytest.raises(ZeroDivisionError):
        writer.close()
    assert written == ["first"]
