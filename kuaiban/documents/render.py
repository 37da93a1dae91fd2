"""Render a :class:`~kuaiban.documents.model.Document` to PDF bytes with fpdf2.

Every glyph comes from the font shipped in ``fonts/`` (a subset of Noto Sans
CJK SC, see ``fonts/README.txt``), embedded in the PDF; no system font is used.

The layout is done here rather than by fpdf2's ``multi_cell``/``table``:

* Chinese has no spaces, so lines may break between any two ideographs, but
  not before closing punctuation (，。、）》…) nor after opening punctuation
  (（《“); Latin words and numbers are kept whole unless they are wider than
  the line, in which case they are cut between characters.
* Table rows that do not fit on the rest of a page move to the next one; a row
  taller than a whole page is split between lines. The header row is repeated
  under a "（续表）" mark on every page a table continues on.

Layout first produces a list of drawing operations per page; painting them
afterwards is what lets every footer say "第 N 页 / 共 M 页".
"""

from __future__ import annotations

import io
import logging
import math
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, TypeAlias

from fpdf import FPDF
from fpdf.enums import TextMode

from .model import Block, Bullets, Document, Heading, Image, KeyValue, Paragraph, Table
from .shipped_font import shipped_font

__all__ = ["FONT_FAMILY", "FONT_PATH", "render_pdf"]

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKsc-Regular.subset.ttf"
"""The only font used: Noto Sans CJK SC Regular, subset to GBK + symbols."""

FONT_FAMILY = "NotoSansCJKsc"
MISSING_GLYPH = "□"
"""Drawn instead of a character the font lacks (the usual mark for 缺字)."""

_log = logging.getLogger(__name__)

# --- page geometry (millimetres) -------------------------------------------
PT = 25.4 / 72  # one typographic point in millimetres
PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0
MARGIN_X = 20.0
MARGIN_TOP = 20.0
BODY_BOTTOM = PAGE_HEIGHT - 24.0  # body text ends here; the footer is below
FOOTER_RULE_Y = PAGE_HEIGHT - 18.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
EPSILON = 1e-6

# The font's em box spans 0.88 em above and 0.12 em below the baseline.
ASCENT = 0.88

Color: TypeAlias = tuple[int, int, int]
Align: TypeAlias = Literal["L", "C", "R"]

INK: Color = (33, 33, 33)
MUTED: Color = (102, 102, 102)
RULE: Color = (150, 150, 150)
GRID: Color = (170, 170, 170)
HEADER_FILL: Color = (230, 236, 244)
LABEL_FILL: Color = (244, 246, 249)


@dataclass(frozen=True, slots=True)
class _Style:
    size: float  # points
    leading: float  # line height as a multiple of the size
    color: Color = INK
    bold: bool = False  # drawn with a thin outline stroke (the font is Regular)

    @property
    def line_height(self) -> float:
        return self.size * PT * self.leading


TITLE = _Style(18.0, 1.4, bold=True)
SUBTITLE = _Style(11.0, 1.5, MUTED)
META_LABEL = _Style(9.5, 1.55, MUTED)
META_VALUE = _Style(9.5, 1.55)
HEADING = _Style(13.0, 1.45, bold=True)
BODY = _Style(10.5, 1.7)
CELL = _Style(9.5, 1.45)
CELL_HEAD = _Style(9.5, 1.45, bold=True)
CELL_LABEL = _Style(9.5, 1.45, MUTED)
EMPTY_NOTE = _Style(9.5, 1.45, MUTED)
FOOTER = _Style(8.5, 1.4, MUTED)

BOLD_STROKE = 0.04  # outline width of faux bold, as a fraction of the size
CELL_PAD_X = 1.8
CELL_PAD_Y = 1.2
BULLET_INDENT = 5.0

# --- line breaking ----------------------------------------------------------
# Characters that must not start a line (行首禁则) and that must not end one
# (行尾禁则). "·" (as in 阿卜杜·热合曼) and "—"/"…" stick to both sides.
_NO_LINE_START = frozenset(
    "，。、；：？！）］｝〕〉》」』】〗〙〛”’…—–·・％‰℃°′″"
    ",.;:?!)]}%ゝゞーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎ々〻"
)
_NO_LINE_END = frozenset("（［｛〔〈《「『【〖〘〚“‘([{·・—…￥＄")
_SPACES = frozenset(" ")


def _breaks_around(char: str) -> bool:
    """Whether a line may break on either side of ``char`` (CJK rules)."""
    if char.isascii():
        return False
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return True
    return char in _NO_LINE_START or char in _NO_LINE_END


def _clean(text: str) -> str:
    """Normalise newlines and tabs; replace other control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n":
            out.append(char)
        elif category == "Cc":
            out.append(" ")
        elif category == "Cs":  # lone surrogate: cannot be encoded
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


def _atoms(line: str) -> list[str]:
    """Split one line of text into unbreakable pieces ("atoms").

    A line may break between atoms. Spaces are atoms of their own.
    """
    pieces: list[str] = []
    word: list[str] = []
    for char in line:
        if char in _SPACES or _breaks_around(char):
            if word:
                pieces.append("".join(word))
                word = []
            pieces.append(char)
        else:
            word.append(char)
    if word:
        pieces.append("".join(word))

    atoms: list[str] = []
    for piece in pieces:
        if (
            atoms
            and piece not in _SPACES
            and atoms[-1] not in _SPACES
            and (piece[0] in _NO_LINE_START or atoms[-1][-1] in _NO_LINE_END)
        ):
            atoms[-1] += piece
        else:
            atoms.append(piece)
    return atoms


# --- display list -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Text:
    x: float
    baseline: float
    text: str
    style: _Style


@dataclass(frozen=True, slots=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float
    fill: Color | None = None
    stroke: Color | None = None
    line_width: float = 0.2


@dataclass(frozen=True, slots=True)
class _Picture:
    x: float
    y: float
    w: float
    png: bytes


_Op: TypeAlias = _Text | _Rect | _Picture


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    width: float  # outer width in mm, padding included
    style: _Style
    fill: Color | None = None
    align: Align = "L"


@dataclass(frozen=True, slots=True)
class _Laid:
    """A cell with its text broken into lines."""

    cell: _Cell
    lines: tuple[str, ...]

    def text_height(self) -> float:
        return max(1, len(self.lines)) * self.cell.style.line_height


@dataclass(frozen=True, slots=True)
class _GridStyle:
    border: Color | None
    pad_x: float
    pad_y: float


TABLE_GRID = _GridStyle(border=GRID, pad_x=CELL_PAD_X, pad_y=CELL_PAD_Y)
META_GRID = _GridStyle(border=None, pad_x=0.0, pad_y=0.3)


@dataclass
class _Layout:
    """Lays a document out into pages of drawing operations."""

    pdf: FPDF
    charset: frozenset[int]
    pages: list[list[_Op]] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    y: float = MARGIN_TOP
    _widths: dict[tuple[float, str], float] = field(default_factory=dict)

    # -- measuring and wrapping ---------------------------------------------
    def clean(self, text: str) -> str:
        """:func:`_clean`, and characters the font lacks replaced by a box."""
        text = _clean(text)
        if all(ord(char) in self.charset for char in text.replace("\n", "")):
            return text
        out: list[str] = []
        for char in text:
            if char == "\n" or ord(char) in self.charset:
                out.append(char)
            elif unicodedata.category(char) in ("Cf", "Mn", "Me"):
                continue  # invisible format characters and stray combining marks
            else:
                self.missing.add(char)
                out.append(MISSING_GLYPH)
        return "".join(out)

    def width(self, text: str, style: _Style) -> float:
        key = (style.size, text)
        cached = self._widths.get(key)
        if cached is None:
            self.pdf.set_font(FONT_FAMILY, size=style.size)
            cached = self.pdf.get_string_width(text)
            self._widths[key] = cached
        return cached

    def wrap(
        self, text: str, style: _Style, width: float, first_width: float | None = None
    ) -> list[str]:
        """Break ``text`` into lines no wider than ``width`` (mm).

        ``first_width`` is the width of the very first line (for an indent).
        Explicit newlines are kept; an empty text gives no lines.
        """
        lines: list[str] = []
        for source_line in self.clean(text).split("\n"):
            start = len(lines)
            current = ""
            current_width = 0.0
            for atom in _atoms(source_line):
                limit = max(
                    first_width if first_width is not None and not lines else width,
                    EPSILON,
                )
                if atom in _SPACES and not current and len(lines) > start:
                    continue  # no leading space on a wrapped line
                atom_width = self.width(atom, style)
                if current_width + atom_width <= limit + EPSILON:
                    current += atom
                    current_width += atom_width
                    continue
                if current.strip(" "):
                    lines.append(current.rstrip(" "))
                current, current_width = "", 0.0
                if atom in _SPACES:  # the break falls on this space: drop it
                    continue
                limit = max(width, EPSILON) if lines else limit
                if atom_width <= limit + EPSILON:
                    current, current_width = atom, atom_width
                    continue
                for char in atom:  # wider than a line: cut between characters
                    char_width = self.width(char, style)
                    if current and current_width + char_width > limit + EPSILON:
                        lines.append(current)
                        current, current_width = "", 0.0
                        limit = max(width, EPSILON)
                    current += char
                    current_width += char_width
            if current.strip(" ") or len(lines) == start:
                lines.append(current.rstrip(" "))
        while lines and not lines[-1]:
            lines.pop()
        return lines

    # -- pages ---------------------------------------------------------------
    def new_page(self) -> None:
        self.pages.append([])
        self.y = MARGIN_TOP

    @property
    def room(self) -> float:
        return BODY_BOTTOM - self.y

    @property
    def at_top(self) -> bool:
        return self.y <= MARGIN_TOP + EPSILON

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit on this one."""
        if height > self.room + EPSILON and not self.at_top:
            self.new_page()

    def space(self, height: float) -> None:
        """Vertical space, dropped at the top of a page."""
        if not self.at_top:
            self.y = min(self.y + height, BODY_BOTTOM)

    def text(self, x: float, top: float, text: str, style: _Style) -> None:
        """Queue one line of text whose line box starts at ``top``."""
        if text:
            self.pages[-1].append(_Text(x, _baseline(top, style), text, style))

    def aligned(
        self, x: float, width: float, top: float, text: str, style: _Style, align: Align
    ) -> None:
        if align == "L":
            self.text(x, top, text, style)
            return
        slack = width - self.width(text, style)
        self.text(x + (slack / 2 if align == "C" else slack), top, text, style)

    def rule(self, color: Color = RULE, width: float = 0.25) -> None:
        self.pages[-1].append(
            _Rect(MARGIN_X, self.y, CONTENT_WIDTH, 0, stroke=color, line_width=width)
        )

    def flow(
        self,
        lines: Sequence[str],
        style: _Style,
        x: float,
        width: float,
        align: Align = "L",
        first_x: float | None = None,
    ) -> None:
        """Lines of running text, breaking pages between lines."""
        for index, line in enumerate(lines):
            self.ensure(style.line_height)
            line_x = first_x if index == 0 and first_x is not None else x
            self.aligned(line_x, width - (line_x - x), self.y, line, style, align)
            self.y += style.line_height

    # -- document parts ------------------------------------------------------
    def title_block(self, document: Document) -> None:
        if document.title.strip():
            lines = self.wrap(document.title, TITLE, CONTENT_WIDTH)
            self.flow(lines, TITLE, MARGIN_X, CONTENT_WIDTH, "C")
        if document.subtitle.strip():
            self.y += 0.5
            lines = self.wrap(document.subtitle, SUBTITLE, CONTENT_WIDTH)
            self.flow(lines, SUBTITLE, MARGIN_X, CONTENT_WIDTH, "C")
        if document.meta:
            self.y += 3.0
            self.meta(document.meta)
        if document.title.strip() or document.subtitle.strip() or document.meta:
            self.y += 2.0
            self.rule()
            self.y += 5.0

    def meta(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Label/value pairs under the title, two pairs to a row, no borders."""
        per_row = 1 if len(pairs) == 1 else 2
        gap = 6.0
        column = (CONTENT_WIDTH - gap * (per_row - 1)) / per_row
        labels = [_with_colon(label) for label, _ in pairs]
        rows: list[list[_Cell]] = []
        for start in range(0, len(pairs), per_row):
            row: list[_Cell] = []
            for slot in range(per_row):
                index = start + slot
                same_column = labels[slot::per_row]
                label_width = min(
                    max(self.width(label, META_LABEL) for label in same_column) + 0.5,
                    column * 0.45,
                )
                label = labels[index] if index < len(pairs) else ""
                value = pairs[index][1] if index < len(pairs) else ""
                row.append(_Cell(label, label_width, META_LABEL))
                row.append(_Cell(value, column - label_width, META_VALUE))
                if slot < per_row - 1:
                    row.append(_Cell("", gap, META_VALUE))
            rows.append(row)
        self.grid(None, rows, META_GRID)

    def heading(self, block: Heading) -> None:
        lines = self.wrap(block.text, HEADING, CONTENT_WIDTH)
        if not lines:
            return
        self.space(4.0)
        # keep the heading with the first two lines of what follows
        self.ensure(len(lines) * HEADING.line_height + 2 * BODY.line_height)
        self.flow(lines, HEADING, MARGIN_X, CONTENT_WIDTH)
        self.y += 1.5

    def paragraph(self, block: Paragraph) -> None:
        text = _clean(block.text)
        indent = 0.0 if text[:1] in (" ", "\u3000") else 2 * BODY.size * PT
        lines = self.wrap(text, BODY, CONTENT_WIDTH, CONTENT_WIDTH - indent)
        self.flow(lines, BODY, MARGIN_X, CONTENT_WIDTH, first_x=MARGIN_X + indent)
        if lines:
            self.y += 2.5

    def bullets(self, block: Bullets) -> None:
        text_x = MARGIN_X + BULLET_INDENT
        text_width = CONTENT_WIDTH - BULLET_INDENT
        drew = False
        for item in block.items:
            lines = self.wrap(item, BODY, text_width) or [""]
            self.ensure(BODY.line_height)
            self.text(MARGIN_X + 1.2, self.y, "•", BODY)
            self.flow(lines, BODY, text_x, text_width)
            self.y += 0.6
            drew = True
        if drew:
            self.y += 1.9

    def table(self, block: Table) -> None:
        columns = block.column_count
        if columns == 0:
            return
        weights = block.widths or [1.0] * columns
        total = sum(weights)
        widths = [CONTENT_WIDTH * w / total for w in weights]
        header = (
            [
                _Cell(h, w, CELL_HEAD, HEADER_FILL, "C")
                for h, w in zip(block.headers, widths, strict=True)
            ]
            if block.headers
            else None
        )
        rows = [
            [_Cell(row[i] if i < len(row) else "", widths[i], CELL) for i in range(columns)]
            for row in block.rows
        ]
        if not rows:
            rows = [[_Cell("（无数据）", CONTENT_WIDTH, EMPTY_NOTE, align="C")]]
        self.space(1.0)
        self.grid(header, rows, TABLE_GRID)
        self.y += 4.0

    def key_value(self, block: KeyValue) -> None:
        if not block.pairs:
            return
        longest = max(self.width(label, CELL_LABEL) for label, _ in block.pairs)
        label_width = min(
            max(longest + 2 * CELL_PAD_X + 0.5, CONTENT_WIDTH * 0.2),
            CONTENT_WIDTH * 0.4,
        )
        rows = [
            [
                _Cell(label, label_width, CELL_LABEL, LABEL_FILL),
                _Cell(value, CONTENT_WIDTH - label_width, CELL),
            ]
            for label, value in block.pairs
        ]
        self.space(1.0)
        self.grid(None, rows, TABLE_GRID)
        self.y += 4.0

    # -- grids -----------------------------------------------------------------
    def lay_row(self, row: Sequence[_Cell], grid: _GridStyle) -> list[_Laid]:
        return [
            _Laid(
                cell,
                tuple(self.wrap(cell.text, cell.style, cell.width - 2 * grid.pad_x)),
            )
            for cell in row
        ]

    @staticmethod
    def row_height(row: Sequence[_Laid], grid: _GridStyle) -> float:
        return max((cell.text_height() for cell in row), default=0.0) + 2 * grid.pad_y

    def grid(
        self,
        header: Sequence[_Cell] | None,
        rows: Sequence[Sequence[_Cell]],
        grid: _GridStyle,
    ) -> None:
        head = self.lay_row(header, grid) if header else None
        head_height = self.row_height(head, grid) if head else 0.0
        laid = [self.lay_row(row, grid) for row in rows]

        # never leave the header alone at the bottom of a page
        if laid:
            first_line = max(cell.cell.style.line_height for cell in laid[0])
            self.ensure(head_height + first_line + 2 * grid.pad_y)
        if head:
            self.draw_row(head, head_height, grid)

        fresh_room = BODY_BOTTOM - MARGIN_TOP - head_height
        if head:
            fresh_room -= FOOTER.line_height  # the "（续表）" mark
        for row in laid:
            cells: list[_Laid] | None = row
            fresh = self.at_top
            split = False
            while cells is not None:
                height = self.row_height(cells, grid)
                if height <= self.room + EPSILON:
                    self.draw_row(cells, height, grid)
                    break
                if not split and not fresh and height <= fresh_room:
                    self.grid_page_break(head, head_height, grid)
                    fresh = True
                    continue
                top, cells = self.split_row(cells, self.room - 2 * grid.pad_y, fresh)
                if top is not None:
                    self.draw_row(top, self.row_height(top, grid), grid)
                    split = True
                if cells is not None:
                    self.grid_page_break(head, head_height, grid)
                    fresh = True

    @staticmethod
    def split_row(
        cells: Sequence[_Laid], text_room: float, force: bool
    ) -> tuple[list[_Laid] | None, list[_Laid] | None]:
        """Cut a row after the lines that fit into ``text_room`` mm.

        Returns the part to draw here (``None`` if no line fits) and the rest
        (``None`` if nothing is left). With ``force`` at least one line of
        every cell is taken, so a fresh page always makes progress.
        """
        counts = [
            max(0, math.floor(text_room / cell.cell.style.line_height + EPSILON)) for cell in cells
        ]
        if force:
            counts = [max(1, count) for count in counts]
        if not any(count and cell.lines for count, cell in zip(counts, cells, strict=True)):
            return None, list(cells)
        top = [replace(c, lines=c.lines[:n]) for c, n in zip(cells, counts, strict=True)]
        rest = [replace(c, lines=c.lines[n:]) for c, n in zip(cells, counts, strict=True)]
        if not any(cell.lines for cell in rest):
            return top, None
        return top, rest

    def grid_page_break(
        self, head: Sequence[_Laid] | None, head_height: float, grid: _GridStyle
    ) -> None:
        self.new_page()
        if head:
            self.aligned(MARGIN_X, CONTENT_WIDTH, self.y, "（续表）", FOOTER, "R")
            self.y += FOOTER.line_height
            self.draw_row(head, head_height, grid)

    def draw_row(self, row: Sequence[_Laid], height: float, grid: _GridStyle) -> None:
        x = MARGIN_X
        page = self.pages[-1]
        for cell in row:
            width = cell.cell.width
            if cell.cell.fill is not None:
                page.append(_Rect(x, self.y, width, height, fill=cell.cell.fill))
            top = self.y + grid.pad_y
            inner = width - 2 * grid.pad_x
            for line in cell.lines:
                self.aligned(x + grid.pad_x, inner, top, line, cell.cell.style, cell.cell.align)
                top += cell.cell.style.line_height
            if grid.border is not None:
                page.append(_Rect(x, self.y, width, height, stroke=grid.border))
            x += width
        self.y += height

    def image(self, block: Image) -> None:
        """A picture at its aspect ratio (from the PNG header), kept on one page with its
        caption."""
        pixels_w, pixels_h = struct.unpack(">II", block.png[16:24])
        width = min(block.width, CONTENT_WIDTH)
        height = width * pixels_h / max(pixels_w, 1)
        caption = self.wrap(block.caption, BODY, CONTENT_WIDTH) if block.caption else []
        self.ensure(height + 2.0 + len(caption) * BODY.line_height)
        self.pages[-1].append(_Picture(MARGIN_X, self.y, width, block.png))
        self.y += height + 1.0
        self.flow(caption, BODY, MARGIN_X, CONTENT_WIDTH)
        self.y += 2.5

    # -- whole document ------------------------------------------------------
    def document(self, document: Document) -> None:
        self.new_page()
        self.title_block(document)
        for block in document.blocks:
            self.block(block)

    def block(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Bullets):
            self.bullets(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, KeyValue):
            self.key_value(block)
        elif isinstance(block, Image):
            self.image(block)
        else:  # pragma: no cover - exhaustive
            raise TypeError(f"not a document block: {block!r}")

    def footers(self, footer: str) -> None:
        """Add the footer line and "第 N 页 / 共 M 页" to every page."""
        total = len(self.pages)
        widest = self.width(f"第 {total} 页 / 共 {total} 页", FOOTER)
        room = CONTENT_WIDTH - widest - 8.0
        lines = self.wrap(_clean(footer).replace("\n", " ").strip(), FOOTER, room)
        if len(lines) > 2:  # at most two lines, the second cut short with "…"
            second = lines[1]
            while second and self.width(second + "…", FOOTER) > room:
                second = second[:-1]
            lines = [lines[0], second + "…"]
        for number, page in enumerate(self.pages, start=1):
            page.append(
                _Rect(MARGIN_X, FOOTER_RULE_Y, CONTENT_WIDTH, 0, stroke=RULE, line_width=0.2)
            )
            top = FOOTER_RULE_Y + 1.5
            label = f"第 {number} 页 / 共 {total} 页"
            label_x = MARGIN_X + CONTENT_WIDTH - self.width(label, FOOTER)
            page.append(_Text(label_x, _baseline(top, FOOTER), label, FOOTER))
            for line in lines:
                page.append(_Text(MARGIN_X, _baseline(top, FOOTER), line, FOOTER))
                top += FOOTER.line_height


def _baseline(top: float, style: _Style) -> float:
    """Baseline of a line of ``style`` text whose line box starts at ``top``."""
    size = style.size * PT
    return top + (style.line_height - size) / 2 + ASCENT * size


def _with_colon(label: str) -> str:
    label = label.strip()
    if not label or label[-1] in ":：":
        return label
    return label + "："


def _paint(pdf: FPDF, pages: Sequence[Sequence[_Op]]) -> None:
    for page in pages:
        pdf.add_page()
        for op in page:
            if isinstance(op, _Picture):
                pdf.image(io.BytesIO(op.png), x=op.x, y=op.y, w=op.w)
                continue
            if isinstance(op, _Rect):
                if op.fill is not None:
                    pdf.set_fill_color(*op.fill)
                    pdf.rect(op.x, op.y, op.w, op.h, style="F")
                if op.stroke is not None:
                    pdf.set_draw_color(*op.stroke)
                    pdf.set_line_width(op.line_width)
                    if op.h == 0:
                        pdf.line(op.x, op.y, op.x + op.w, op.y)
                    else:
                        pdf.rect(op.x, op.y, op.w, op.h, style="D")
                continue
            pdf.set_font(FONT_FAMILY, size=op.style.size)
            pdf.set_text_color(*op.style.color)
            if op.style.bold:
                with pdf.local_context(
                    text_mode=TextMode.FILL_STROKE,
                    draw_color=op.style.color,
                    line_width=op.style.size * PT * BOLD_STROKE,
                ):
                    pdf.text(op.x, op.baseline, op.text)
            else:
                pdf.text(op.x, op.baseline, op.text)


def render_pdf(document: Document) -> bytes:
    """Lay ``document`` out on A4 pages and return the PDF file's bytes.

    The shipped CJK font is embedded (subset to the characters used), so the
    PDF shows Chinese correctly on any machine. Characters the font lacks
    (rare ideographs outside GBK, emoji) are drawn as "□" and logged.

    Raises:
        FileNotFoundError: the font file is missing from the package.
    """
    if not FONT_PATH.is_file():
        raise FileNotFoundError(
            f"CJK font missing: {FONT_PATH} (see fonts/README.txt to rebuild it)"
        )
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
    pdf.alias_nb_pages("")  # "{nb}" in user text is not a page-count alias here
    shipped = shipped_font(FONT_PATH)
    font = shipped.lend(pdf, FONT_FAMILY)
    pdf.set_title(_clean(document.title).replace("\n", " ").strip())
    pdf.set_lang("zh-CN")
    pdf.set_creator("Kuaiban 快办")

    layout = _Layout(pdf, shipped.charset)
    layout.document(document)
    layout.footers(document.footer)
    if layout.missing:
        _log.warning(
            "PDF %r: the font has no glyph for %s; drawn as %s",
            document.title,
            " ".join(f"{c} (U+{ord(c):04X})" for c in sorted(layout.missing)),
            MISSING_GLYPH,
        )
    _paint(pdf, layout.pages)
    font.ttfont = shipped.small_font(list(font.subset.get_all_glyph_names()))
    return bytes(pdf.output())
