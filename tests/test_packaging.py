"""The wheel installs one top-level package, idgraph, with the Cypher and data files inside it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_holds_nothing_outside_idgraph(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True)
    wheel = next(tmp_path.glob("identity_graph-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"idgraph"}
    for needed in ("idgraph/graph/sqlite_schema.sql", "idgraph/ingest/normalise/phone.py",
                   "idgraph/ingest/data/junk.yaml", "idgraph/ingest/data/mapping_template.yaml",
                   "idgraph/cypher/vocabulary.json", "idgraph/cli/app.py", "idgraph/queries/report/page.html",
                   "idgraph/queries/report/charts/match_weights.json", "idgraph/cypher/read/runs.cypher"):
        assert needed in names, needed


# The layers, each importing only those before it: graph (the model, the store contract, the stores and
# the rules) imports none of the others; ingest only graph; queries graph and ingest; lab (the generator,
# evaluation) those three; cli everything. `idgraph` itself (package/) is the root anyone may import.
LAYERS = {"graph": set(), "ingest": {"graph"}, "queries": {"graph", "ingest"},
          "lab": {"graph", "ingest", "queries"}, "cli": {"graph", "ingest", "queries", "lab"}}


def imported_layers(folder: Path) -> dict[str, set[str]]:
    """file -> the layers of idgraph it imports (every import statement, also inside functions)."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                # a relative import (`from ..ingest import x`) is named from the file's own package
                package = ["idgraph", *path.relative_to(ROOT).parent.parts]
                base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
                module = ".".join(p for p in (base, node.module or "") if p)
                names.add(module)
                names.update(f"{module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(ROOT))] = {n.split(".")[1] for n in names
                                              if n.startswith("idgraph.") and n.split(".")[1] in LAYERS}
    return found


def test_imports_go_one_way_and_make_no_cycle():
    wrong = []
    edges: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    for layer, allowed in LAYERS.items():
        for path, layers in imported_layers(ROOT / layer).items():
            edges[layer] |= layers - {layer}
            wrong += [f"{path} imports idgraph.{other}" for other in sorted(layers - allowed - {layer})]
    assert wrong == [], "imports against the layering:\n" + "\n".join(wrong)
    # and no cycle between the layers (the rule above makes one impossible; this says so if it changes)
    seen: dict[str, int] = {}

    def visit(layer: str, path: list[str]) -> None:
        if seen.get(layer) == 1:
            raise AssertionError("import cycle: " + " -> ".join([*path, layer]))
        if seen.get(layer) == 2:
            return
        seen[layer] = 1
        for other in sorted(edges[layer]):
            visit(other, [*path, layer])
        seen[layer] = 2

    for layer in LAYERS:
        visit(layer, [])


def test_the_store_contract_is_the_roles_and_both_stores_keep_it():
    from idgraph.graph.neo4j_store import Neo4jStore
    from idgraph.graph.sqlite_store import SQLiteStore
    from idgraph.graph.store import contract_methods

    roles = contract_methods()
    methods = [m for names in roles.values() for m in names]
    assert len(methods) == len(set(methods)), roles  # a method belongs to one role
    for store in (SQLiteStore, Neo4jStore):
        assert [m for m in methods if not callable(getattr(store, m, None))] == [], store.__name__


def test_docs_state_the_roles_and_method_count_the_protocols_have():
    """docs/architecture.md's table of roles (| `Role` (n) | for | `m1`, `m2` |) and its "**N methods in all**"
    are those of graph/store.py, so the map cannot drift from the code."""
    from idgraph.graph.store import contract_methods

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    stated = {}
    for role, count, names in re.findall(r"^\| `(\w+)` \((\d+)\) \|[^|]*\| (.*) \|$", text, re.MULTILINE):
        listed = re.findall(r"`(\w+)`", names)
        assert int(count) == len(listed), f"{role}: says {count} and lists {len(listed)}"
        stated[role] = listed
    roles = contract_methods()
    assert stated == roles
    (total,) = re.findall(r"\*\*(\d+) methods in all\*\*", text)
    assert int(total) == sum(len(m) for m in roles.values())
