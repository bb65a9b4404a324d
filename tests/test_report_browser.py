"""The report as a person opens it: headless Chromium, network off, every chart drawn, no console error.

A small generated project (300 people) is ingested and linked, reported once, resolved and reported
again (so the change section has something to draw: the profiles resolve created). The second report is
opened by `tools/browser-test/report_check.mjs` (playwright-core driving the system's Chromium with the
flags of the Neo4j Browser test): the context is offline and every request for anything but the file
itself and data: URLs is refused and reported. The test fails on any refused request, any console or page
error, and any chart without an SVG holding data marks. The screenshot (the top of the page) is written
to docs/images/report.png only when IDGRAPH_UPDATE_SCREENSHOTS=1, so a test run leaves the work tree as it
was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from idgraph.queries.report import write_report
from idgraph.queries.report.blocks import ChartBlock
from idgraph.queries.report.report import sections
from tests.test_browser import CHROMIUM, REPO, TOOL, _browser_tool

SCREENSHOT = REPO / "docs" / "images" / "report.png"


def test_report_opens_offline_with_every_chart_drawn(tmp_path):
    node = _browser_tool()
    generated = generate(tmp_path / "project", people=300, seed=7)
    mapping = load_mapping(generated.mapping_path)
    store = SQLiteStore(mapping.store_path())
    store.init()
    ingest(store, mapping)
    link(store, mapping)
    out = tmp_path / "report.html"
    write_report(store, mapping, out, truth=generated.truth_path)
    resolve(store, mapping)
    written = write_report(store, mapping, out, truth=generated.truth_path)
    store.close()
    expected = [b.chart.name for s in sections(written.report) for b in s.blocks if isinstance(b, ChartBlock)]
    assert len(expected) == 13  # every section draws: three sources, two overlap, three profiles, three
    # matching, one accuracy, one change chart

    shot = tmp_path / "report.png"
    done = subprocess.run(
        [node, str(TOOL / "report_check.mjs"), f"--report={out}", f"--screenshot={shot}", "--clip-height=1400"],
        env={**os.environ, "IDGRAPH_CHROMIUM": CHROMIUM}, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"report_check.mjs printed no report ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    assert report["ok"], json.dumps(report, indent=2)
    assert report["blocked_requests"] == [] and report["console_errors"] == [] and report["page_errors"] == []
    assert [c["name"] for c in report["charts"]] == expected
    assert all(c["svg"] and c["marks"] > 0 for c in report["charts"]), report["charts"]
    assert report["rendered"] == report["expected_charts"] == len(expected)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if os.environ.get("IDGRAPH_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
    print(f"report check (s): {json.dumps({s['step']: s['seconds'] for s in report['steps']})}")


def test_the_check_refuses_a_page_that_asks_the_network(tmp_path):
    """The check itself: a page that loads an image from elsewhere fails it, and the request is named."""
    node = _browser_tool()
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html><body><img src="https://example.invalid/pixel.png">'
                    "<script>window.idgraphReport = {charts: 0, rendered: 0, errors: [], done: true};</script>"
                    "</body></html>", encoding="utf-8")
    done = subprocess.run([node, str(TOOL / "report_check.mjs"), f"--report={page}"],
                          env={**os.environ, "IDGRAPH_CHROMIUM": CHROMIUM}, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    report = json.loads(done.stdout)
    assert done.returncode == 1 and report["ok"] is False
    assert report["blocked_requests"] == ["https://example.invalid/pixel.png"]
