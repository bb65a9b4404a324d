"""`idgraph report`: one self-contained HTML file with the pictures of the graph (queries/report/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from idgraph.cli.context import emit_json, guarded, out, state
from idgraph.queries.report import write_report

JSON = Annotated[bool, typer.Option("--json", help="Print the numbers behind the charts as JSON.")]


def register(app: typer.Typer) -> None:
    app.command()(report)


@guarded
def report(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", help="The HTML file to write; its snapshot goes beside it "
                                                         "(report.json for report.html).")] = Path("report.html"),
    truth: Annotated[Optional[Path], typer.Option(
        help="A truth file (source,record_id,person_id): adds precision and recall.")] = None,
    since: Annotated[Optional[Path], typer.Option(
        metavar="PREVIOUS.json", help="The snapshot of an earlier report to compare with (default: the one "
                                      "beside --out, if any).")] = None,
    as_json: JSON = False,
) -> None:
    """Sources, overlap, profiles, matching, accuracy and change, as charts in one HTML file that opens offline."""
    st = state(ctx)
    written = write_report(st.store(), st.mapping(), out_file, truth=truth, since=since)
    if as_json:
        emit_json(written.report)
        return
    out.print(f"wrote {written.html} ({written.bytes / 1e6:.1f} MB, {written.seconds:.1f} s) and its snapshot "
              f"{written.snapshot}")
