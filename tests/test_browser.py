"""Neo4j Browser, tested as a person uses it (docs/neo4j-browser.md).

A small known graph goes into the test server through the Neo4j store (ingest and resolve of a
hand-made project: one person with records in a CRM, a loyalty programme and a newsletter, two emails,
a phone, a laptop cookie, web and support interactions; a kiosk device three people logged in on, which
the guard marks shared). Then:

* the five queries of the guide are linted against our vocabulary and run with the driver;
* `tools/browser-test/browser_check.mjs` drives Neo4j Browser in the system's headless Chromium
  (playwright-core, no browser download): connect, paste `:style` with cypher/browser/style.grass, set
  the guide's `:param`, run its profile query, read the SVG it draws. Every drawn node must carry the
  colour and the caption our style gives its label (golden first and last name, the email address),
  not an id. The screenshot is written to docs/images/browser-profile.png only when
  IDGRAPH_UPDATE_SCREENSHOTS=1, so a test run leaves the work tree as it was.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from idgraph.graph.neo4j_store import Neo4jStore
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from tests.helpers import write_csv, write_jsonl
from tests.test_cypher_lint import lint  # noqa: F401 - the fixture that runs tools/cypher-lint

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "neo4j-browser.md"
STYLE = Path(os.environ.get("IDGRAPH_BROWSER_STYLE", REPO / "cypher" / "browser" / "style.grass"))
TOOL = REPO / "tools" / "browser-test"
SCREENSHOT = REPO / "docs" / "images" / "browser-profile.png"
# as tools/ensure-chromium.sh (run by `make test`) finds it
CHROMIUM = os.environ.get("IDGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
EMAIL = "ada.lovelace@outlook.com"
ELLIPSIS = "\u2026"


# -- the guide ---------------------------------------------------------------------------------------
def guide_queries() -> list[str]:
    """The ```cypher blocks of the guide, in order."""
    return re.findall(r"```cypher\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


def guide_params() -> dict[str, str]:
    """The guide's `:param name => 'value'` lines."""
    return dict(re.findall(r"^:param (\w+) => '([^']*)'$", GUIDE.read_text(encoding="utf-8"), flags=re.M))


def parse_grass(text: str) -> dict[str, dict[str, str]]:
    """selector -> {property: value}, as Neo4j Browser reads a .grass file (quotes dropped)."""
    rules = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", text):
        props = {}
        for part in re.split(r";(?=(?:[^'\"]*['\"][^'\"]*['\"])*[^'\"]*$)", body):
            key, sep, value = part.partition(":")
            if sep:
                props[key.strip()] = value.strip().strip("'\"")
        rules[selector.strip()] = props
    return rules


def caption_for(template: str, props: dict, element_id: str) -> str:
    """A caption template of the style filled in from a node's properties, as Browser does it."""
    def fill(match: re.Match) -> str:
        value = props.get(match.group(1))
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return "" if value is None or isinstance(value, bool) else str(value)

    text = re.sub(r"\{([^{}]*)\}", fill, template)
    return element_id if text == "<id>" else text


def drawn_as(caption: str, expected: str) -> bool:
    """Whether a drawn caption (its lines joined) is the expected one, or its beginning cut to fit the
    circle: Browser cuts a long caption and ends the last word it could fit with an ellipsis."""
    expected = " ".join(expected.split())
    if caption == expected:
        return True
    kept = caption.removesuffix(ELLIPSIS)
    return len(kept) >= 3 and expected.startswith(kept)


# -- the known graph ---------------------------------------------------------------------------------
def known_project(folder: Path) -> Path:
    """The hand-made project of the guide's picture; returns its mapping file."""
    write_csv(folder / "crm.csv", ["id", "first", "last", "email", "phone", "dob", "postcode", "updated"], [
        {"id": "C1", "first": "Ada", "last": "Lovelace", "email": EMAIL, "phone": "07700 900123",
         "dob": "1985-12-10", "postcode": "W1A 1AA", "updated": "2024-01-02T09:00:00Z"},
        {"id": "C2", "first": "Charles", "last": "Babbage", "email": "c.babbage@gmail.com",
         "phone": "07700 900456", "dob": "1981-12-26", "postcode": "SW1A 2AA", "updated": "2024-01-03T09:00:00Z"},
        {"id": "C3", "first": "Mary", "last": "Somerville", "email": "mary.somerville@yahoo.co.uk",
         "phone": "07700 900789", "dob": "1980-12-26", "postcode": "EH1 1YZ", "updated": "2024-01-04T09:00:00Z"},
    ])
    write_csv(folder / "loyalty.csv", ["card", "name", "tel", "email"],
              [{"card": "L77", "name": "LOVELACE, ADA", "tel": "+44 7700 900123", "email": "ada.king@gmail.com"}])
    write_jsonl(folder / "newsletter.jsonl", [{"email": EMAIL, "first": "Ada"}])
    write_csv(folder / "web.csv", ["event_id", "ts", "cookie", "event", "user_id"], [
        {"event_id": "W1", "ts": "2024-03-01T10:00:00Z", "cookie": "cookie-ada-laptop", "event": "login",
         "user_id": "C1"},
        {"event_id": "W2", "ts": "2024-03-01T10:02:00Z", "cookie": "cookie-ada-laptop", "event": "page_view"},
        {"event_id": "W3", "ts": "2024-03-02T18:30:00Z", "cookie": "cookie-ada-laptop", "event": "add_to_cart"},
        {"event_id": "W4", "ts": "2024-03-02T18:31:00Z", "cookie": "cookie-ada-laptop", "event": "purchase"},
        *({"event_id": f"K{n}", "ts": f"2024-03-0{n + 2}T12:00:00Z", "cookie": "kiosk-store-12", "event": "login",
           "user_id": f"C{n}"} for n in (1, 2, 3)),
    ])
    write_jsonl(folder / "tickets.jsonl", [{"id": "T1", "at": "2024-03-05T11:00:00Z", "email": "ada.king@gmail.com",
                                            "category": "delivery"}])
    iso = {"format": "iso"}
    mapping = {
        "project": "browser-guide", "phone_region": "GB", "guard": {"max_customers": 2},
        "sources": {
            "crm": {"path": "crm.csv", "kind": "customer", "id": "id", "fields": {
                "first_name": "first", "last_name": "last", "email": "email", "phone": "phone",
                "dob": {"column": "dob", "format": "%Y-%m-%d"}, "postcode": "postcode",
                "updated_at": {"column": "updated", **iso}}},
            "loyalty": {"path": "loyalty.csv", "kind": "customer", "id": "card", "name_format": "auto",
                        "fields": {"full_name": "name", "phone": "tel", "email": "email"}},
            "newsletter": {"path": "newsletter.jsonl", "format": "jsonl", "kind": "customer", "id": {"role": "email"},
                           "fields": {"email": "email", "first_name": "first"}},
            "web": {"path": "web.csv", "kind": "interaction", "id": "event_id", "fields": {
                "timestamp": {"column": "ts", **iso}, "device": "cookie", "event_type": "event",
                "customer_ref": {"column": "user_id", "source": "crm"}, "channel": {"value": "web"}}},
            "tickets": {"path": "tickets.jsonl", "format": "jsonl", "kind": "interaction", "id": "id", "fields": {
                "timestamp": {"column": "at", **iso}, "email": "email", "event_type": "category",
                "channel": {"value": "email"}}},
        },
    }
    path = folder / "idgraph.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def known_graph(neo4j_server, tmp_path_factory):
    """The known graph in the test server (wiped afterwards): its profile of three sources, as a dict."""
    if neo4j_server.node_count():
        neo4j_server.wipe()
    mapping = load_mapping(known_project(tmp_path_factory.mktemp("browser")))
    with Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database) as store:
        store.init()
        ingest(store, mapping)
        resolve(store, mapping)
        (member,) = store.find_customers("email", EMAIL)[:1]
        profile = store.profile(member["profile_id"])
    assert json.loads(profile["sources"]) == ["crm", "loyalty", "newsletter"]
    yield profile
    neo4j_server.wipe()


# -- the guide's queries -----------------------------------------------------------------------------
def test_guide_has_five_queries_a_param_and_the_picture():
    assert len(guide_queries()) == 5
    assert guide_params() == {"email": EMAIL}
    assert "](images/browser-profile.png)" in GUIDE.read_text(encoding="utf-8")
    assert SCREENSHOT.is_file() and SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_guide_queries_pass_the_linter(lint, tmp_path):  # noqa: F811 - the imported fixture
    for n, query in enumerate(guide_queries(), 1):
        (tmp_path / f"guide_{n}.cypher").write_text(f"// Query {n} of docs/neo4j-browser.md.\n{query}")
    done = lint(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_guide_queries_answer_on_the_known_graph(neo4j_server, known_graph):
    profile, journey, timeline, shared, suspicious = guide_queries()
    params = guide_params()
    with neo4j_server.driver() as driver:
        def run(query: str) -> list:
            return driver.execute_query(query, params, database_=neo4j_server.database).records

        nodes = {n.element_id: n for r in run(profile) for path in r if path is not None for n in path.nodes}
        labels = sorted(label for n in nodes.values() for label in n.labels)
        assert labels.count("Profile") == 1 and labels.count("Customer") == 3
        assert {n["address"] for n in nodes.values() if "Email" in n.labels} == {EMAIL, "ada.king@gmail.com"}
        assert {n["id"] for n in nodes.values() if "Device" in n.labels} == {"cookie-ada-laptop", "kiosk-store-12"}

        events = {r["i"]["source_id"] for r in run(journey)}
        assert events == {"W1", "W2", "W3", "W4", "K1", "T1"}

        rows = [r.data() for r in run(timeline)]
        assert [r["at"] for r in rows] == sorted(r["at"] for r in rows) and len(rows) == 6
        assert next(r for r in rows if r["type"] == "page_view")["through"] == ["cookie-ada-laptop"]

        stopped = [r.data() for r in run(shared)]
        assert [(r["kind"], r["value"], r["customers"]) for r in stopped] == [("Device", "kiosk-store-12", 3)]
        assert stopped[0]["reason"]

        held = {n["uid"] for r in run(suspicious) for n in r["held"].nodes if "Customer" in n.labels}
        assert held == {"crm:C1", "crm:C2", "crm:C3"}


# -- Neo4j Browser in Chromium -----------------------------------------------------------------------
def skip_unless_required(reason: str) -> None:
    """Skip, or fail when the Neo4j half is required (make test, CI): it never skips there."""
    required = os.environ.get("IDGRAPH_REQUIRE_NEO4J") == "1" or os.environ.get("CI") == "true"
    (pytest.fail if required else pytest.skip)(reason)


def _browser_tool() -> str:
    """node, with tools/browser-test's pinned playwright-core installed; fails or skips when missing."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium at {CHROMIUM} (Debian/Ubuntu: apt-get install -y chromium; or set "
                       "IDGRAPH_CHROMIUM)")
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing.append("node and npm (node 20 or newer)")
    if missing:
        skip_unless_required(f"the Neo4j Browser test needs {' and '.join(missing)} (tools/ensure-chromium.sh "
                             "installs Chromium where it can)")
    pinned = json.loads((TOOL / "package.json").read_text())["dependencies"]["playwright-core"]
    installed = TOOL / "node_modules" / "playwright-core" / "package.json"
    with open(Path(tempfile.gettempdir()) / "idgraph-browser-test-npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed.exists() or json.loads(installed.read_text())["version"] != pinned:
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TOOL, capture_output=True, text=True,
                                  timeout=600)
            if done.returncode != 0:
                pytest.fail(f"npm ci in {TOOL} failed:\n{done.stdout}\n{done.stderr}")
    return node


def test_browser_draws_the_profile_with_our_style(neo4j_server, known_graph, tmp_path):
    if neo4j_server.http_url is None or urlsplit(neo4j_server.http_url).hostname != "127.0.0.1":
        skip_unless_required(f"the Browser test runs on a server at 127.0.0.1 only, not {neo4j_server.http_url}")
    assert STYLE.is_file(), f"{STYLE} is missing"
    node = _browser_tool()
    query = guide_queries()[0]
    with neo4j_server.driver() as driver:
        records = driver.execute_query(query, guide_params(), database_=neo4j_server.database).records
        found = driver.execute_query("MATCH (n) RETURN n", database_=neo4j_server.database).records
    graph = {n.element_id.rsplit(":", 1)[-1]: n for n in (r["n"] for r in found)}
    returned = {n.element_id.rsplit(":", 1)[-1] for r in records for path in r if path is not None for n in path.nodes}
    shot = tmp_path / "browser-profile.png"
    params = [f"--param={k}={v}" for k, v in guide_params().items()]
    expect = [known_graph["first_name"], known_graph["last_name"], EMAIL]
    done = subprocess.run(
        [node, str(TOOL / "browser_check.mjs"), f"--http={neo4j_server.http_url}", f"--bolt={neo4j_server.uri}",
         f"--user={neo4j_server.user}", "--password-env=IDGRAPH_BROWSER_PASSWORD", f"--style={STYLE}", *params,
         f"--query={query}", *(f"--expect={text}" for text in expect), f"--screenshot={shot}",
         f"--min-nodes={len(returned)}"],
        env={**os.environ, "IDGRAPH_BROWSER_PASSWORD": neo4j_server.password, "IDGRAPH_CHROMIUM": CHROMIUM},
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"browser_check.mjs printed no report ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    assert report["ok"], json.dumps(report, indent=2)
    assert report["style_applied"] is True and report["missing"] == []

    # Browser drew what the query returns (the profile, its 3 records, 2 emails, a phone, 2 devices), each
    # node with the colour our style gives its label and the caption it makes from the node's own
    # properties; none shows a bare id.
    assert {d["id"] for d in report["nodes"]} == returned
    style = parse_grass(STYLE.read_text(encoding="utf-8"))
    for drawn in report["nodes"]:
        n = graph[drawn["id"]]
        (label,) = n.labels
        rule = {**style.get("node", {}), **style.get(f"node.{label}", {})}
        assert drawn["fill"].lower() == rule["color"].lower(), (label, drawn)
        expected = caption_for(rule["caption"], dict(n), drawn["id"])
        assert drawn_as(drawn["caption"], expected), (label, drawn["caption"], expected)
        assert drawn["caption"] not in (drawn["id"], n.get("uid"), n.get("profile_id"))
    assert {label for d in report["nodes"] for label in graph[d["id"]].labels} == {
        "Profile", "Customer", "Email", "Phone", "Device"}

    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    if os.environ.get("IDGRAPH_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
    timings = {s["step"]: s["seconds"] for s in report["steps"]}
    print(f"Neo4j Browser check (s): {json.dumps(timings)}")
