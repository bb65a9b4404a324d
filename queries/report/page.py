"""The page: the sections' blocks laid out by one HTML template, with vega, vega-lite and vega-embed inline.

The scripts come from the `vl-convert-python` package (`vl_convert.javascript_bundle()`: the three
libraries and their dependencies in one script, built from the package's own copy, no download), so the
file opens offline and asks the network for nothing. A chart's spec sits in a `<script
type="application/json">` beside its `<div>`, written with Jinja's `tojson` (HTML-safe).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

import altair as alt
import jinja2
import vl_convert

from idgraph import __version__

from .blocks import Section


@cache
def javascript_bundle() -> str:
    """vega-embed, vega-lite and vega in one script that sets window.vegaEmbed (built once per process),
    of the Vega-Lite version Altair validates against when vl-convert has it."""
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    version = wanted if wanted in vl_convert.get_vegalite_versions() else None
    return vl_convert.javascript_bundle(vl_version=version)


def versions() -> dict[str, str]:
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    known = vl_convert.get_vegalite_versions()
    return {"vega_lite": wanted if wanted in known else known[-1], "vega": vl_convert.get_vega_version(),
            "vega_embed": vl_convert.get_vega_embed_version()}


@cache
def _template() -> jinja2.Template:
    text = files("idgraph.queries.report").joinpath("page.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.from_string(text)


@cache
def chart_config() -> dict:
    """The look every chart shares (charts/config.json), checked against Vega-Lite's config schema."""
    config = json.loads(files("idgraph.queries.report").joinpath("charts", "config.json").read_text(encoding="utf-8"))
    alt.Config.from_dict(config)
    return config


def render(report, sections: list[Section]) -> str:
    """The whole HTML page of a report (`report` gives the header: project, store, generated_at, stats)."""
    return _template().render(report=report, sections=sections, version=__version__, versions=versions(),
                              bundle=javascript_bundle(), config=chart_config())
