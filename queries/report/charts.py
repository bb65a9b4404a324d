"""Charts: Vega-Lite specs kept as JSON templates in `charts/`, filled with data, checked by Altair.

A template is a whole Vega-Lite spec whose data are named datasets left empty (`"datasets": {"bins": []}`,
used as `"data": {"name": "bins"}`). Filling one puts rows into those datasets and nothing else: the
shape of every chart is in its file, where it can be read and edited, never assembled in code. Altair
validates the filled spec against the Vega-Lite schema (a template that does not fit the schema, or rows
for a dataset it does not declare, fail here and not in a reader's browser) and gives the dict the page
embeds. The charts are drawn in the browser by vega-embed, whose scripts the page carries inline.
"""

from __future__ import annotations

import copy
import json
import math
from functools import cache
from importlib.resources import files
from typing import Any

import altair as alt
from pydantic import BaseModel

_CHART_CLASSES = (("layer", alt.LayerChart), ("facet", alt.FacetChart), ("vconcat", alt.VConcatChart),
                  ("hconcat", alt.HConcatChart), ("concat", alt.ConcatChart))


class Chart(BaseModel):
    """A filled chart: its template's name, the caption under it, and the Vega-Lite spec."""

    name: str
    caption: str = ""
    spec: dict[str, Any]


@cache
def template(name: str) -> str:
    """The text of `charts/<name>.json`."""
    path = files("idgraph.queries.report").joinpath("charts", f"{name}.json")
    if not path.is_file():
        raise KeyError(f"no chart template charts/{name}.json")
    return path.read_text(encoding="utf-8")


def chart(name: str, caption: str = "", **datasets: list[dict[str, Any]]) -> Chart:
    """The template `name` with its datasets filled with these rows (one keyword per dataset it declares),
    validated by Altair."""
    spec = json.loads(template(name))
    declared = set(spec.get("datasets", {}))
    if declared != set(datasets):
        raise ValueError(f"chart {name}: the template declares datasets {sorted(declared)}, "
                         f"given {sorted(datasets)}")
    spec["datasets"] = {key: [_plain(row) for row in rows] for key, rows in datasets.items()}
    kind = next((cls for key, cls in _CHART_CLASSES if key in spec), alt.Chart)
    return Chart(name=name, caption=caption, spec=kind.from_dict(copy.deepcopy(spec)).to_dict())


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A data row as JSON takes it: numpy scalars as Python numbers, NaN and infinities as null."""
    out = {}
    for key, value in row.items():
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        out[key] = value
    return out
