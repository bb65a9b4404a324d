"""`idgraph report`: one HTML file with the pictures of the graph (sources, overlap, profiles, matching,
accuracy, change), charts drawn by Vega-Lite from JSON templates, readable offline.

    from idgraph.queries.report import write_report
    written = write_report(store, mapping, Path("report.html"), truth=Path("truth.csv"))
"""

from .report import Report, Written, build_report, render_html, snapshot_path, write_report

__all__ = ["Report", "Written", "build_report", "render_html", "snapshot_path", "write_report"]
