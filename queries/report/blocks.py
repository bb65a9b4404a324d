"""What a section of the page is made of: key figures, charts, tables and notes, in order.

Each section module turns its numbers into a list of these; `page.py` lays them out with one HTML
template. Numbers are formatted here, so the template only places text.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .charts import Chart


class Figure(BaseModel):
    label: str
    value: str
    note: str = ""


class Figures(BaseModel):
    kind: Literal["figures"] = "figures"
    items: list[Figure]


class ChartBlock(BaseModel):
    kind: Literal["chart"] = "chart"
    title: str
    chart: Chart


class Table(BaseModel):
    kind: Literal["table"] = "table"
    title: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = Field(default_factory=list)  # right-aligned columns
    caption: str = ""


class Note(BaseModel):
    kind: Literal["note"] = "note"
    text: str


Block = Figures | ChartBlock | Table | Note


class Section(BaseModel):
    key: str  # the anchor: sources, overlap, profiles, matching, accuracy, change
    title: str
    intro: str = ""
    blocks: list[Block] = Field(default_factory=list)


def num(value: Any, digits: int = 0) -> str:
    """A number for a table: thousands separated, `digits` decimals; '' for None."""
    if value is None:
        return ""
    if isinstance(value, int) or digits == 0:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}"


def pct(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{100 * value:.{digits}f}%"


def table(title: str, columns: list[tuple[str, bool]], rows: list[list[Any]], caption: str = "") -> Table:
    """A table from (name, numeric) columns and rows of values (numbers formatted with `num`)."""
    return Table(title=title, columns=[c for c, _ in columns], numeric=[n for _, n in columns], caption=caption,
                 rows=[[num(v) if isinstance(v, int | float) and not isinstance(v, bool) else
                        ("" if v is None else str(v)) for v in row] for row in rows])
