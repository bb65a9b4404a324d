"""`idgraph report`: each section's numbers on a small hand-made project, on both stores; the page, the
chart templates and the command. (The page drawn in Chromium: tests/test_report_browser.py.)

The project: a CRM and a newsletter (customers) and a clickstream (events).
- Robert and Bob Smith (crm:1, crm:2) share an email, which the newsletter's bob@ record holds too:
  one profile of 3 records from 2 sources; Robert logs in on a laptop (dev-A), which is then seen once
  more without a login (attributed through the laptop), and a stranger's device is seen (not attributed).
- Alice Jones (crm:3) comes twice in the file (one duplicate); Eve Adams (crm:4) typed test@test.com
  (junk); Carol White and Dan Brown (crm:5, crm:6) give one phone number (the guard marks it shared: two
  different people); a row has no id (quarantined); Zoe is only on the newsletter.
- Truth: Alice and Eve are one person (so recall is 3 pairs of 4), everyone else is who they seem.
- Scored links are set by hand: a link crm:1-crm:2 at 0.99 (within the email's cluster already) and a
  pair to review crm:5-crm:6 at 0.5.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from typer.testing import CliRunner

from idgraph.cli.app import app
from idgraph.graph.records import LinkRow
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.queries.report import build_report, render_html, snapshot_path, write_report
from idgraph.queries.report import charts, inputs
from idgraph.queries.report.profiles import size_label
from tests.helpers import person, small_project, write_csv, write_jsonl, CRM_COLUMNS

CRM = [
    person("1", "Robert", "Smith", "bob@post.co.uk", "07700 900001", "1980-02-03", "SW1A 1AA"),
    person("2", "Bob", "Smith", "bob@post.co.uk", "", "1980-02-03"),
    person("3", "Alice", "Jones", "alice@post.co.uk"),
    person("3", "Alice", "Jones", "alice@post.co.uk"),
    person("4", "Eve", "Adams", "test@test.com"),
    person("5", "Carol", "White", "carol@mail.co.uk", "07700 900555", "1970-01-01"),
    person("6", "Dan", "Brown", "dan@mail.co.uk", "07700 900555", "1985-06-07"),
    person("", "No", "Id"),
]
NEWSLETTER = [{"email": "bob@post.co.uk", "first": "Bob"}, {"email": "zoe@post.co.uk", "first": "Zoe"}]
WEB = [
    {"event_id": "e1", "ts": "2024-03-01T10:00:00Z", "cookie": "dev-A", "event": "login", "user_id": "1"},
    {"event_id": "e2", "ts": "2024-03-02T10:00:00Z", "cookie": "dev-A", "event": "page_view"},
    {"event_id": "e3", "ts": "2024-03-03T10:00:00Z", "cookie": "dev-Z", "event": "page_view"},
]
TRUTH = [("crm", "1", "A"), ("crm", "2", "A"), ("newsletter", "bob@post.co.uk", "A"), ("crm", "3", "B"),
         ("crm", "4", "B"), ("crm", "5", "D"), ("crm", "6", "E"), ("newsletter", "zoe@post.co.uk", "F")]
SECTIONS = ("sources", "overlap", "profiles", "matching", "accuracy", "change")
LINKS = [LinkRow("crm:1", "crm:2", 0.99, "{}", "probable"), LinkRow("crm:5", "crm:6", 0.5, "{}", "review")]


def project(folder):
    """The mapping file of the project: small_project's CRM and clickstream, and a newsletter."""
    path = small_project(folder, CRM, WEB)
    write_jsonl(folder / "newsletter.jsonl", NEWSLETTER)
    mapping = yaml.safe_load(path.read_text())
    mapping["sources"]["newsletter"] = {"path": "newsletter.jsonl", "format": "jsonl", "kind": "customer",
                                        "id": {"role": "email"}, "fields": {"email": "email", "first_name": "first"}}
    path.write_text(yaml.safe_dump(mapping, sort_keys=False))
    write_csv(folder / "truth.csv", ["source", "record_id", "person_id"],
              [dict(zip(("source", "record_id", "person_id"), t)) for t in TRUTH])
    return path


def built(store, folder, *, linked=True):
    """The project ingested, linked (the link job, then the hand-set scores), resolved; its mapping."""
    mapping = load_mapping(project(folder))
    ingest(store, mapping)
    if linked:
        link(store, mapping)
    store.replace_links(LINKS, None)
    resolve(store, mapping)
    return mapping


def test_sources(store, tmp_path):
    s = build_report(store, built(store, tmp_path, linked=False)).sources
    rows = {r.source: r for r in s.sources}
    assert (rows["crm"].rows_read, rows["crm"].stored, rows["crm"].duplicates, rows["crm"].quarantined,
            rows["crm"].suppressed) == (8, 6, 1, 1, 0)
    assert (rows["newsletter"].stored, rows["web"].stored, rows["web"].kind) == (2, 3, "interaction")
    assert all(r.balanced for r in s.sources) and s.not_logged == []
    assert [(q.source, q.reason, q.rows) for q in s.quarantined] == [("crm", "id: column 'id' is empty", 1)]
    assert [(x.source, x.field, x.reason, x.values) for x in s.set_aside] == [("crm", "email", "junk", 1)]
    assert s.junk_values == 1
    fill = {(f.source, f.field): (f.filled, f.records, f.set_aside) for f in s.fields}
    assert fill[("crm", "first_name")] == (6, 6, 0)
    assert fill[("crm", "email")] == (5, 6, 1)  # Eve's junk address set aside
    assert fill[("crm", "phone")] == (3, 6, 0)  # the shared phone counts for Carol and Dan
    assert fill[("crm", "dob")] == (4, 6, 0) and fill[("crm", "postcode")] == (1, 6, 0)
    assert fill[("newsletter", "email")] == (2, 2, 0) and fill[("newsletter", "first_name")] == (2, 2, 0)
    valid = {(f.source, f.field): f.valid_rate for f in s.fields}
    assert valid[("crm", "email")] == round(5 / 6, 4) and valid[("crm", "phone")] == 1.0
    # identifiers per record: crm:1 email+phone+laptop, crm:2..3 one, crm:4 none, crm:5..6 two; newsletter one
    hist = {(c.source, c.identifiers): c.records for c in s.identifiers_per_record}
    assert hist == {("crm", 0): 1, ("crm", 1): 2, ("crm", 2): 2, ("crm", 3): 1, ("newsletter", 1): 2}
    assert s.mean_identifiers == {"crm": round(9 / 6, 2), "newsletter": 1.0}
    assert [r.job for r in s.runs] == ["ingest"]


def test_overlap(store, tmp_path):
    o = build_report(store, built(store, tmp_path, linked=False)).overlap
    assert o.profiles == 6 and o.unresolved_records == 0
    pairs = {(p.a, p.b): p.profiles for p in o.pairs}
    assert pairs == {("crm", "crm"): 5, ("crm", "newsletter"): 1, ("newsletter", "crm"): 1,
                     ("newsletter", "newsletter"): 2}
    assert {x.source: (x.profiles, x.only_here) for x in o.single_source} == {"crm": (5, 4), "newsletter": (2, 1)}
    assert o.by_sources == {1: 5, 2: 1}


def test_profiles(store, tmp_path):
    p = build_report(store, built(store, tmp_path, linked=False)).profiles
    assert p.profiles == 6 and p.records_in_profiles == 8
    assert [(x.size, x.profiles, x.records) for x in p.sizes] == [("1", 5, 5), ("3", 1, 3)]
    top = p.largest[0]
    assert (top.records, top.sources, top.first_names, top.dates_of_birth, top.events) == (
        3, ["crm", "newsletter"], 2, 1, 2)
    assert [(x.kind, x.value, x.holders, x.why) for x in p.shared] == [("phone", "+447700900555", 2, "different people")]
    assert p.shared[0].reason and p.shared_count == 1 and p.shared_by_kind == {"phone": {"different people": 1}}
    assert p.households == []
    assert [(e.source, e.attributed, e.not_attributed) for e in p.events] == [("web", 2, 1)]


def test_matching(store, tmp_path):
    mapping = built(store, tmp_path)
    m = build_report(store, mapping).matching
    assert m.model_problem is None and m.trained_on == 8
    assert m.thresholds == {"upper": 0.8, "lower": 0.3}
    model, _ = inputs.load_model(mapping)
    assert [(w.comparison, w.label, w.weight) for w in m.weights] == [
        (r["comparison"], r["label"], r["weight"]) for r in model.table() if r["m"] is not None]
    assert m.labels is None
    # log2(0.99 / 0.01) = 6.63 falls in [6.5, 7); log2(0.5 / 0.5) = 0 in [0, 0.5)
    assert [(b.kind, b.start, b.end, b.pairs) for b in m.scores] == [("link", 6.5, 7.0, 1), ("review", 0.0, 0.5, 1)]
    assert m.links == 1 and (m.queue.pairs, m.queue.lowest, m.queue.median, m.queue.highest) == (1, 0.5, 0.5, 0.5)
    run = store.runs("link")[0]
    assert m.link_run["run_tag"] == run["run_tag"]
    assert [(r.rule, r.pairs, r.new_pairs) for r in m.blocking] == [
        (b["name"], b["pairs"], b["new_pairs"]) for b in run["summary"]["blocking"]]
    assert m.blocking and sum(r.new_pairs for r in m.blocking) == run["summary"]["pairs_compared"]
    assert {p.rule for p in m.plan} == {p["name"] for p in run["summary"]["blocking_plan"]}


def test_accuracy(store, tmp_path):
    mapping = built(store, tmp_path)
    a = build_report(store, mapping, truth=tmp_path / "truth.csv").accuracy
    e = a.evaluation
    assert (e.pairwise_precision, e.pairwise_recall) == (1.0, 0.75)  # Alice and Eve are apart
    assert e.profiles == 6 and e.true_people == 5
    assert a.worst_profiles == []
    assert [(x.person_id, x.records, x.profiles) for x in a.split_people] == [("B", 2, 2)]
    # the review pair Carol-Dan joins them at thresholds up to its score, 0.5: 3 right pairs of 4 made
    curve = {p.threshold: (p.precision, p.recall) for p in a.curve}
    assert curve == {0.3: (0.75, 0.75), 0.5: (0.75, 0.75), 0.8: (1.0, 0.75)}
    at_link = next(p for p in a.curve if p.threshold == 0.8)
    assert (at_link.bcubed_precision, at_link.bcubed_recall) == (1.0, round((1 + 1 + 1 + 0.5 + 0.5 + 1 + 1 + 1) / 8, 5))


def test_change(store, tmp_path):
    mapping = built(store, tmp_path, linked=False)
    out = tmp_path / "report" / "report.html"
    first = write_report(store, mapping, out)
    assert first.report.change.previous is None and "no previous report" in first.report.change.problem
    snap = json.loads(snapshot_path(out).read_text())
    assert snap["customers"] == 8 and snap["records_by_source"] == {"crm": 6, "newsletter": 2}
    # one more CRM record (a new person), and record 6 corrected to be Carol's: her two profiles merge
    rows = [r for r in CRM if r["id"] != "6"] + [
        person("6", "Carol", "White", "carol@mail.co.uk", "07700 900555", "1970-01-01"),
        person("7", "Frank", "Hill", "frank@post.co.uk")]
    write_csv(tmp_path / "crm.csv", CRM_COLUMNS, rows)
    ingest(store, mapping)
    resolve(store, mapping)
    second = write_report(store, mapping, out).report.change
    assert second.problem is None and second.previous == str(snapshot_path(out))
    assert second.records_added == 1 and second.records_added_by_source == {"crm": 1}
    assert (second.profiles_created, second.profiles_merged, second.profiles_split) == (1, 1, 0)
    assert second.then["customers"] == 8 and second.now["customers"] == 9
    assert second.now["profiles"] == second.then["profiles"]  # one new, one merged away


def test_change_since_a_missing_snapshot_is_an_error(tmp_path):
    from idgraph.graph.errors import SourceError
    from idgraph.queries.report.change import read_snapshot

    with pytest.raises(SourceError):
        read_snapshot(tmp_path / "nope.json", asked=True)
    assert read_snapshot(tmp_path / "nope.json", asked=False)[0] is None
    (tmp_path / "bad.json").write_text("{}")
    assert "not a report snapshot" in read_snapshot(tmp_path / "bad.json", asked=False)[1]


# -- the page and its charts ---------------------------------------------------------------------------
def test_every_template_is_valid_vega_lite_and_declares_its_datasets():
    names = sorted(p.stem for p in charts.files("idgraph.queries.report").joinpath("charts").iterdir()
                   if p.name.endswith(".json") and p.name != "config.json")
    assert len(names) >= 12
    for name in names:
        declared = json.loads(charts.template(name))["datasets"]
        assert declared and all(rows == [] for rows in declared.values()), name
        chart = charts.chart(name, **{k: [] for k in declared})  # validated by Altair
        assert chart.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_a_chart_takes_only_the_datasets_its_template_declares_and_must_be_vega_lite(monkeypatch):
    with pytest.raises(ValueError, match="declares datasets"):
        charts.chart("profile_sizes", rows=[])
    with pytest.raises(KeyError):
        charts.chart("no_such_chart", rows=[])
    monkeypatch.setattr(charts, "template", lambda name: '{"datasets": {"rows": []}, "mark": "barx"}')
    with pytest.raises(Exception, match="barx"):  # Altair's schema validation
        charts.chart("bad", rows=[])


@pytest.mark.parametrize("size, label", [(1, ("1", 1)), (10, ("10", 10)), (11, ("11-20", 11)), (50, ("21-50", 12)),
                                         (101, ("101+", 14)), (5000, ("101+", 14))])
def test_profile_size_bars(size, label):
    assert size_label(size) == label


def test_the_page_is_self_contained(tmp_path):
    from idgraph.graph.sqlite_store import SQLiteStore

    store = SQLiteStore(tmp_path / "store.db")
    store.init()
    mapping = built(store, tmp_path)
    html = render_html(build_report(store, mapping, truth=tmp_path / "truth.csv"))
    assert "window.vegaEmbed" in html  # the libraries are inline
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and not any("src" in attributes for attributes in scripts)  # every script is inline
    markup = re.sub(r"(?s)<script[^>]*>.*?</script>", "", html)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", markup)  # nothing else to load
    assert re.findall(r'href="([^"]*)"', markup) == [f"#{s}" for s in SECTIONS]  # links only within the page
    assert len(re.findall(r'<div class="chart"', html)) == len(re.findall(r"data-for=", html)) >= 10
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert "Households: no households in this graph." in html
    assert len(html.encode()) < 2_000_000
    store.close()


def test_report_command(tmp_path, monkeypatch):
    monkeypatch.setenv("IDGRAPH_NO_PROGRESS", "1")
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    path = project(tmp_path)
    runner = CliRunner()
    for args in (["ingest"], ["resolve"]):
        assert runner.invoke(app, ["-m", str(path), *args]).exit_code == 0
    out = tmp_path / "out" / "report.html"
    done = runner.invoke(app, ["-m", str(path), "report", "--out", str(out), "--truth", str(tmp_path / "truth.csv")])
    assert done.exit_code == 0, done.output
    assert out.is_file() and (tmp_path / "out" / "report.json").is_file() and "wrote" in done.stdout
    as_json = runner.invoke(app, ["-m", str(path), "report", "--out", str(out), "--json"])
    numbers = json.loads(as_json.stdout)
    assert numbers["overlap"]["profiles"] == 6 and numbers["change"]["previous"] == str(tmp_path / "out" / "report.json")
    missing = runner.invoke(app, ["-m", str(path), "report", "--out", str(out), "--since", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "no such" in missing.output and "snapshot" in missing.output


def test_an_empty_store_reports_notes_and_no_empty_chart(store, tmp_path):
    mapping = load_mapping(project(tmp_path))
    report = build_report(store, mapping, truth=tmp_path / "truth.csv")
    from idgraph.queries.report.blocks import ChartBlock, Note
    from idgraph.queries.report.report import sections

    views = sections(report)
    assert [v.key for v in views] == list(SECTIONS)
    assert not any(isinstance(b, ChartBlock) for v in views for b in v.blocks)  # nothing to draw, no blank chart
    notes = " ".join(b.text for v in views for b in v.blocks if isinstance(b, Note))
    assert "No ingest run" in notes and "No profile yet" in notes and "no households" in notes
    assert report.matching.model_problem and report.sources.sources == [] and report.overlap.profiles == 0
