"""Tables: the one description of every table, rendered as HTML, Excel and PDF alike.

The HTML table is the truth; a chart is drawn from its cells by `supervision/charts.js` when
JavaScript runs (``chart`` says which columns), and the same rows go to .xlsx and to the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone

from kuaiban.supervision.selectors.figures import Rate


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    RATE = "rate"  # a Rate or a fraction; shown as a percentage
    DAYS = "days"  # working days
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = Kind.TEXT
    width: float | None = None  # relative width in the PDF; by kind when not given


@dataclass(frozen=True)
class Link:
    text: str
    href: str


Cell = str | int | float | Decimal | Rate | Link | dt.datetime | None


@dataclass(frozen=True)
class Chart:
    """A chart of some columns against the first one: ``bar``, ``line`` or ``doughnut``."""

    kind: str
    columns: tuple[int, ...]


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    note: str = ""
    chart: Chart | None = None
    total_rows: int | None = None  # when ``rows`` is one page of a longer list
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ShownCell:
    text: str
    href: str = ""
    value: str = ""  # machine-readable number for charts ("" when none)
    numeric: bool = False


def rate_text(rate: Rate | float | None) -> str:
    value = rate.value if isinstance(rate, Rate) else rate
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


def number_of(cell: Cell) -> float | int | None:
    """The number in a cell (a rate as a fraction), or None."""
    if isinstance(cell, Rate):
        return cell.value
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return cell
    if isinstance(cell, Decimal):
        return float(cell)
    return None


def text_of(cell: Cell, kind: Kind) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, Link):
        return cell.text
    if kind == Kind.RATE and isinstance(cell, Rate | float | int):
        return rate_text(cell)
    if isinstance(cell, Rate):
        return rate_text(cell)
    if isinstance(cell, dt.datetime):
        return f"{timezone.localtime(cell):%Y-%m-%d %H:%M}"
    if kind == Kind.DAYS and isinstance(cell, int | float | Decimal):
        return f"{float(cell):.1f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    if isinstance(cell, float):
        return f"{cell:.2f}"
    return str(cell)


def shown(table: Table) -> list[list[ShownCell]]:
    out = []
    for row in table.rows:
        cells = []
        for cell, column in zip(row, table.columns, strict=False):
            number = number_of(cell)
            cells.append(
                ShownCell(
                    text=text_of(cell, column.kind),
                    href=cell.href if isinstance(cell, Link) else "",
                    value="" if number is None else repr(round(float(number), 6)),
                    numeric=column.kind != Kind.TEXT,
                )
            )
        out.append(cells)
    return out
