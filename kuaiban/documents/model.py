"""What a PDF document says, independent of Django and of the PDF library.

A :class:`Document` has a title, an optional subtitle, label/value pairs shown
under the title (受理编号, 受理日期, …), a list of blocks and an optional footer
line. :func:`kuaiban.documents.render.render_pdf` lays it out on A4 pages.

All text is plain Unicode text; a newline inside a string starts a new line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading, e.g. ``一、办理条件``."""

    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of running text, wrapped to the page width."""

    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    """A bulleted list; each item may wrap over several lines."""

    items: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Table:
    """A table with one header row, repeated at the top of every page it spans.

    ``widths`` are relative column widths (``[1, 3, 1]`` makes the middle column
    three times as wide as the others); ``None`` means equal widths. Rows shorter
    than the header are padded with empty cells. A table may have no rows.
    """

    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] | None = None

    def __post_init__(self) -> None:
        columns = self.column_count
        for index, row in enumerate(self.rows):
            if len(row) > columns:
                raise ValueError(
                    f"table row {index} has {len(row)} cells but the table has {columns} columns"
                )
        if self.widths is not None:
            if len(self.widths) != columns:
                raise ValueError(f"table has {columns} columns but {len(self.widths)} widths")
            if not all(math.isfinite(w) and w > 0 for w in self.widths):
                raise ValueError("table widths must be finite positive numbers")

    @property
    def column_count(self) -> int:
        """Number of columns: the header's length, or the longest row's."""
        if self.headers:
            return len(self.headers)
        return max((len(row) for row in self.rows), default=0)


@dataclass(frozen=True, slots=True)
class KeyValue:
    """Label/value pairs shown as a two-column grid (e.g. 申请人 / 张三)."""

    pairs: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Image:
    """A PNG picture (e.g. a QR code), ``width`` mm wide, with an optional caption under it."""

    png: bytes
    width: float = 40.0
    caption: str = ""

    def __post_init__(self) -> None:
        if not self.png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("image must be a PNG")
        if not (math.isfinite(self.width) and self.width > 0):
            raise ValueError("image width must be a finite positive number")


Block: TypeAlias = Heading | Paragraph | Bullets | Table | KeyValue | Image
"""Any block that can appear in :attr:`Document.blocks`."""


@dataclass(frozen=True, slots=True)
class Document:
    """A whole document: title block, body blocks and footer line."""

    title: str
    subtitle: str = ""
    meta: list[tuple[str, str]] = field(default_factory=list)
    blocks: Sequence[Block] = field(default_factory=list)
    footer: str = ""
