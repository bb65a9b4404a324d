"""The Cypher linter (tools/cypher-lint/lint.mjs).

It checks .cypher files with Neo4j's own parser and semantic analysis
(@neo4j-cypher/language-support) against cypher/vocabulary.json, without a
server. These tests lint the project's cypher/ folder and a known-good
fixture, and prove that misspelt labels, relationship types, property keys,
procedures and syntax errors fail.

Node and npm are required (they are on every developer machine and in CI);
the npm dependencies are installed here with `npm ci` when missing.
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

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_DIR = REPO / "tools" / "cypher-lint"
LINT = LINT_DIR / "lint.mjs"
LIBRARY = "@neo4j-cypher/language-support"
PROJECT_CYPHER = REPO / "cypher"
GOOD = REPO / "tests" / "fixtures" / "cypher" / "good"
VOCABULARY = json.loads((REPO / "cypher" / "vocabulary.json").read_text())

# One query of the model, as a file documented by a comment block.
VALID_QUERY = """\
// Finds a customer by e-mail address.
MATCH (c:Customer)-[:HAS_EMAIL]->(e:Email {address: $email})
RETURN c.uid AS uid, e.address AS address;
"""


def _installed_version() -> str | None:
    meta = LINT_DIR / "node_modules" / LIBRARY / "package.json"
    if not meta.exists():
        return None
    return json.loads(meta.read_text())["version"]


def _pinned_version() -> str:
    return json.loads((LINT_DIR / "package.json").read_text())["dependencies"][LIBRARY]


@pytest.fixture(scope="session")
def lint():
    """A function running the linter; installs its npm dependencies first if needed."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("node and npm are required for the Cypher linter (node >= 18.18)")
    lock_path = Path(tempfile.gettempdir()) / "idgraph-cypher-lint-npm-ci.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers install once
        if _installed_version() != _pinned_version():
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=LINT_DIR,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                pytest.fail(f"npm ci in {LINT_DIR} failed:\n{done.stdout}\n{done.stderr}")
    assert _installed_version() == _pinned_version()

    def run(*args: str | os.PathLike) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [node, str(LINT), *map(str, args)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


def _errors(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if re.match(r"^.+:\d+:\d+ error ", line)]


# --- (a) the project's Cypher and a known-good fixture are clean -------------


def test_project_cypher_folder_is_clean(lint):
    done = lint(PROJECT_CYPHER)
    assert done.returncode == 0, f"the project's Cypher has problems:\n{done.stdout}{done.stderr}"
    assert _errors(done.stdout) == []


def test_known_good_fixture_is_clean_even_strict(lint):
    done = lint("--json", "--strict", GOOD)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    assert report["problems"] == []
    assert report["library"] == f"{LIBRARY}@{_pinned_version()}"
    assert len(report["files"]) == len(list(GOOD.glob("*.cypher"))) >= 4
    assert report["statements"] >= 20  # several statements per file, split on `;`


def test_valid_query_is_clean(lint, tmp_path):
    query = tmp_path / "find_by_email.cypher"
    query.write_text(VALID_QUERY)
    done = lint(query)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


# --- (b)-(d) misspellings and syntax errors fail ------------------------------


def _lint_mutant(lint, tmp_path: Path, old: str, new: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    assert old in VALID_QUERY
    path = tmp_path / "mutant.cypher"
    path.write_text(VALID_QUERY.replace(old, new, 1))
    return lint(path), path


@pytest.mark.parametrize(
    ("old", "new", "name", "kind"),
    [
        ("(c:Customer)", "(c:Custmer)", "Custmer", "Label"),
        ("[:HAS_EMAIL]", "[:HAS_EMAL]", "HAS_EMAL", "Relationship type"),
        ("{address: $email}", "{adress: $email}", "adress", "Property key"),
        ("RETURN c.uid", "RETURN c.uidd", "uidd", "Property key"),
    ],
    ids=["label", "relationship-type", "property-key-in-pattern", "property-key-in-return"],
)
def test_misspelt_name_fails(lint, tmp_path, old, new, name, kind):
    for vocabulary in VOCABULARY.values():
        assert name not in vocabulary
    done, path = _lint_mutant(lint, tmp_path, old, new)
    # where the name is: 1-based line and column
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if name in text)
    column = lines[line - 1].index(name) + 1
    assert done.returncode == 1, done.stdout + done.stderr
    errors = _errors(done.stdout)
    assert len(errors) == 1, done.stdout
    assert errors[0].startswith(f"{path}:{line}:{column} error {kind} `{name}` is not in the model vocabulary")


def test_syntax_error_fails(lint, tmp_path):
    done, path = _lint_mutant(lint, tmp_path, "(c:Customer)", "(c:Customer")
    assert done.returncode == 1, done.stdout + done.stderr
    errors = _errors(done.stdout)
    assert errors and errors[0].startswith(f"{path}:2:")
    assert "Invalid input" in errors[0]


# Misspellings in every context the linter covers, in copies of the known-good
# fixture, linted in one run: (file, original text, misspelt text, name the
# error must mention).
MUTATIONS = {
    "merge-label": ("ingest.cypher", "MERGE (c:Customer {uid: row.uid})", "MERGE (c:Custmer {uid: row.uid})", "Custmer"),
    "merge-property": ("ingest.cypher", "MERGE (e:Email {address: address})", "MERGE (e:Email {adress: address})", "adress"),
    "merge-relationship": ("ingest.cypher", "MERGE (c)-[:HAS_EMAIL]->(e)", "MERGE (c)-[:HAS_EMIAL]->(e)", "HAS_EMIAL"),
    "set-property": ("ingest.cypher", "c.run_tag = $run_tag", "c.run_tags = $run_tag", "run_tags"),
    "subquery-label": ("ingest.cypher", "MATCH (d:Device {id: row.device})", "MATCH (d:Devise {id: row.device})", "Devise"),
    "constraint-label": ("schema.cypher", "FOR (c:Customer) REQUIRE c.uid", "FOR (c:Customr) REQUIRE c.uid", "Customr"),
    "constraint-property": ("schema.cypher", "REQUIRE e.address IS UNIQUE", "REQUIRE e.adress IS UNIQUE", "adress"),
    "index-relationship": ("schema.cypher", "FOR ()-[r:SAME_AS]-()", "FOR ()-[r:SAME_AZ]-()", "SAME_AZ"),
    "fulltext-property": ("schema.cypher", "[c.full_name, c.last_name]", "[c.full_name, c.lastname]", "lastname"),
    "where-label": ("read.cypher", "NOT (a:Suppression", "NOT (a:Supression", "Supression"),
    "relationship-alternative": ("read.cypher", "MAYBE_SAME|PROBABLY_SAME", "MAYBE_SAME|PROBABLY_SAM", "PROBABLY_SAM"),
    "map-projection-property": ("read.cypher", "{.uid, .full_name,", "{.uid, .fullname,", "fullname"),
    "relationship-property": ("read.cypher", "m.score AS score", "m.scor AS score", "scor"),
    "create-label": ("read.cypher", "CREATE (a:Audit", "CREATE (a:Audt", "Audt"),
    "remove-property": ("read.cypher", "REMOVE j.deleted_at", "REMOVE j.deletedAt", "deletedAt"),
    "undefined-variable": ("read.cypher", "RETURN a.action AS action", "RETURN x.action AS action", "`x`"),
    "procedure": ("resolve.cypher", "gds.wcc.stream('identity')", "gds.wcc.strem('identity')", "gds.wcc.strem"),
    "plugin-function": ("resolve.cypher", "gds.util.asNode(nodeId)", "gds.util.asNod(nodeId)", "gds.util.asNod"),
    "builtin-function": ("ingest.cypher", "coalesce(row.emails, [])", "coalese(row.emails, [])", "coalese"),
    "yield-column": ("resolve.cypher", "YIELD nodeId, componentId", "YIELD nodeId, componentID", "componentID"),
    "property-of-gds-node": ("resolve.cypher", "collect(n.uid)", "collect(n.uuid)", "uuid"),
    "iterate-query-label": ("resolve.cypher", "MATCH (a:Customer)-[r:PROBABLY_SAME]", "MATCH (a:Custome)-[r:PROBABLY_SAME]", "Custome"),
    "iterate-action-property": ("resolve.cypher", "s.evidence = r.evidence", "s.evidense = r.evidence", "evidense"),
    "declared-identifier-label": ("ingest.cypher", "MERGE (o:Identifier {key:", "MERGE (o:Identifer {key:", "Identifer"),
    "declared-identifier-key": ("ingest.cypher", "{key: t.kind + ':' + t.value}", "{keys: t.kind + ':' + t.value}",
                                "keys"),
    "declared-identifier-relationship": ("ingest.cypher", "MERGE (c)-[r:HAS_IDENTIFIER]->(o)",
                                         "MERGE (c)-[r:HAS_IDENTIFER]->(o)", "HAS_IDENTIFER"),
    "event-identifier-relationship": ("ingest.cypher", "(o)<-[:VIA_IDENTIFIER]-(i:Interaction)",
                                      "(o)<-[:VIA_IDENTIFEIR]-(i:Interaction)", "VIA_IDENTIFEIR"),
    "attribute-keys-property": ("ingest.cypher", "c.attribute_keys = t.attribute_keys",
                                "c.attribute_key = t.attribute_keys", "attribute_key"),
    "identifier-constraint-label": ("schema.cypher", "FOR (o:Identifier) REQUIRE o.key", "FOR (o:Identifiers) REQUIRE o.key",
                                    "Identifiers"),
}


@pytest.fixture(scope="module")
def mutant_report(lint, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mutants")
    expected = {}
    for case, (source, old, new, name) in MUTATIONS.items():
        text = (GOOD / source).read_text()
        assert text.count(old) == 1, f"{case}: {old!r} must occur once in {source}"
        # only the statement holding the misspelling, to keep the run short
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
        statement = next(part for part in code.split(";") if old in part)
        mutated = statement.replace(old, new).strip() + ";\n"
        path = folder / f"{case}.cypher"
        path.write_text(mutated)
        start = mutated.index(new)
        differs = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        expected[case] = (str(path), mutated.count("\n", 0, start + differs) + 1, name)
    done = lint("--json", folder)
    assert done.returncode == 1, done.stdout + done.stderr
    return json.loads(done.stdout), expected


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_misspelling_in_context_fails(mutant_report, case):
    report, expected = mutant_report
    path, line, name = expected[case]
    problems = [p for p in report["problems"] if p["file"] == path]
    errors = [p for p in problems if p["severity"] == "error"]
    assert errors, f"{case}: no error for {name}: {problems}"
    # the first error is the misspelling (it may cause others further on)
    assert min(p["line"] for p in errors) == line, errors
    assert any(p["line"] == line and name in p["message"] for p in errors), errors


# --- options, warnings and usage ---------------------------------------------


def test_warnings_fail_only_when_strict(lint, tmp_path):
    query = tmp_path / "deprecated.cypher"
    query.write_text(
        "CALL gds.graph.project.cypher('g',\n"
        "  'MATCH (n:Customer) RETURN id(n) AS id',\n"
        "  'MATCH (a:Customer)-[:SAME_AS]->(b:Customer) RETURN id(a) AS source, id(b) AS target');\n"
    )
    done = lint(query)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{query}:1:6 warning Procedure gds.graph.project.cypher is deprecated" in done.stdout
    assert _errors(done.stdout) == []
    assert lint("--strict", query).returncode == 1


def test_extra_vocabulary_files_add_names(lint, tmp_path):
    query = tmp_path / "other_graph.cypher"
    query.write_text("MATCH (p:Person)-[:KNOWS]->(q:Customer) RETURN p.name, q.uid;\n")
    extra = tmp_path / "vocabulary.json"
    extra.write_text(json.dumps({"labels": ["Person"], "relationshipTypes": ["KNOWS"], "propertyKeys": ["name"]}))
    done = lint("--vocabulary", REPO / "cypher" / "vocabulary.json", "--vocabulary", extra, query)
    assert done.returncode == 0, done.stdout + done.stderr
    done = lint(query)
    assert done.returncode == 1
    assert [line.split(" error ")[1].split(" is not")[0] for line in _errors(done.stdout)] == [
        "Label `Person`", "Relationship type `KNOWS`", "Property key `name`"]


def test_comment_only_and_empty_folders_are_clean(lint, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.cypher").write_text("// nothing here yet\n")
    (tmp_path / "README.txt").write_text("MATCH (n:Nope) RETURN n\n")  # not a .cypher file
    done = lint(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 file(s), 0 statement(s)" in done.stderr


@pytest.mark.parametrize(
    "args",
    [(), ("--bogus", "cypher"), ("does/not/exist.cypher",), ("--vocabulary",)],
    ids=["no-path", "unknown-option", "missing-path", "missing-value"],
)
def test_usage_errors_exit_2(lint, args):
    done = lint(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cypher-lint:" in done.stderr
