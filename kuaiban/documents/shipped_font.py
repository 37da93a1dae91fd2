"""The shipped font, parsed once per process and lent to every document.

fpdf2 parses a TrueType font for each ``FPDF.add_font`` (the cmap of 22,000 characters, the
widths, the glyph names) and, when the PDF is written, subsets that parsed font in place with
fontTools (decompiling every glyph it keeps to recompute bounding boxes). For one certificate
that was most of the time spent. Here the font is parsed once, fully, into a :class:`Shipped`:

* each document gets a cheap copy of fpdf2's parsed font object (:meth:`Shipped.lend`): the
  widths, the cmap and the glyph ids are shared read-only; what a document changes (the map of
  glyphs it used, the missing characters) is its own;
* before the PDF is written, the copy is given a small font holding only the glyphs the
  document drew (:meth:`Shipped.small_font`), built from the parsed glyphs as they are — the
  outlines are copied as bytes, nothing is decompiled — so fpdf2's subsetting and embedding
  work on a few hundred glyphs instead of 22,000.

Every character of the shipped font is there for every document (a rare character in a name
is drawn like any other); the shared objects are never written to, so threads may share them.
"""

from __future__ import annotations

import copy
import functools
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont, newTable  # type: ignore[import-untyped]
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["Shipped", "shipped_font"]

# Tables copied (shallowly: fontTools' subsetter and writer only reassign their attributes).
_COPIED_TABLES = ("head", "hhea", "maxp", "OS/2", "name", "post")

_lock = threading.Lock()


@dataclass(frozen=True)
class Shipped:
    path: Path
    parsed: Any  # fontTools' TTFont (untyped), every table decompiled; read only
    template: TTFFont  # fpdf2's parsed font (widths, cmap, glyph ids); read only
    charset: frozenset[int]  # the code points the font draws
    codepoints: dict[str, tuple[int, ...]]  # glyph name → the code points mapped to it

    def lend(self, pdf: FPDF, family: str) -> TTFFont:
        """Register a copy of the parsed font under ``family`` in ``pdf`` (instead of
        ``pdf.add_font``) and return it."""
        font: TTFFont = copy.copy(self.template)
        font.i = len(pdf.fonts) + 1
        font.fontkey = family.lower()
        # fpdf2 reads widths from a defaultdict (an unknown character gets the default width
        # inserted): each document gets its own.
        font.cw = copy.copy(self.template.cw)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[font.fontkey] = font
        return font

    def small_font(self, glyph_names: list[str]) -> Any:  # a fontTools TTFont
        """A font of ``.notdef`` and ``glyph_names`` only, in the shipped font's glyph order,
        sharing the parsed glyphs' bytes. fpdf2 subsets and embeds it instead of the whole
        font; its tables are fresh, so that subsetting changes nothing shared."""
        parsed = self.parsed
        wanted = set(glyph_names) | {".notdef"}
        order = sorted(wanted, key=parsed.getGlyphID)
        small = TTFont(recalcBBoxes=False, recalcTimestamp=False)
        small.setGlyphOrder(order)
        for tag in _COPIED_TABLES:
            small[tag] = copy.copy(parsed[tag])
        small["maxp"].numGlyphs = len(order)
        metrics = parsed["hmtx"].metrics
        hmtx = newTable("hmtx")
        hmtx.metrics = {name: metrics[name] for name in order}
        small["hmtx"] = hmtx
        glyphs = parsed["glyf"].glyphs
        glyf = newTable("glyf")
        glyf.glyphs = {name: glyphs[name] for name in order}
        glyf.glyphOrder = order
        small["glyf"] = glyf
        small["loca"] = newTable("loca")
        small["cmap"] = _cmap({cp: name for name in order for cp in self.codepoints.get(name, ())})
        return small


def _cmap(mapping: dict[int, str]) -> object:
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = []
    bmp = {cp: name for cp, name in mapping.items() if cp <= 0xFFFF}
    for format_, platform, encoding, part in (
        (4, 3, 1, bmp),
        (12, 3, 10, mapping if len(bmp) < len(mapping) else {}),
    ):
        if not part:
            continue
        subtable = CmapSubtable.newSubtable(format_)
        subtable.platformID, subtable.platEncID, subtable.language = platform, encoding, 0
        subtable.cmap = part
        table.tables.append(subtable)
    return table


@functools.lru_cache(maxsize=2)
def _parse(path: Path) -> Shipped:
    parsed = TTFont(path, recalcBBoxes=False, recalcTimestamp=False)
    for tag in list(parsed.keys()):  # every table read now (glyph outlines stay bytes), none later
        parsed[tag]
    parsed.close()
    if any(glyph.isComposite() for glyph in parsed["glyf"].glyphs.values()):
        # Composite glyphs refer to others by glyph id; copying their bytes into a font with
        # other ids would draw the wrong parts. The shipped font has none (see fonts/README.txt).
        raise ValueError(f"{path}: composite glyphs are not supported by the shared font")
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the subsetter logs each step
    template_pdf = FPDF()
    template_pdf.add_font("template", "", path)
    template = template_pdf.fonts["template"]
    assert isinstance(template, TTFFont)
    template.ttfont.close()
    template.ttfont = parsed
    codepoints: dict[str, list[int]] = {}
    for cp, name in template.cmap.items():
        codepoints.setdefault(name, []).append(cp)
    return Shipped(
        path=path,
        parsed=parsed,
        template=template,
        charset=frozenset(template.cmap),
        codepoints={name: tuple(cps) for name, cps in codepoints.items()},
    )


def shipped_font(path: Path) -> Shipped:
    """The font at ``path``, parsed on first use in this process (about one second)."""
    with _lock:  # two threads' first PDFs parse it once
        return _parse(path)
