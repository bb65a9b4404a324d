"""The wheel installs one top-level package, idgraph, with the Cypher and data files inside it."""

from __future__ import annotations

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
