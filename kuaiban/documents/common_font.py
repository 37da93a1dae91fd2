"""A smaller copy of the shipped font for the usual documents: the characters of GB 2312 (the
6,763 常用 hanzi, punctuation, Latin letters and digits). Parsing the full font is most of a
PDF's rendering time; a document whose every character is in this copy is drawn with it —
the same glyphs and widths, so the same layout — and any other with the full font.

The copy is made once per machine from the shipped font (fontTools' subsetter) into the
temporary directory, named by the digest of the shipped font and the characters, and reused by every process.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

from fontTools import subset as ftsubset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]


def _gb2312() -> str:
    chars = [chr(c) for c in range(0x20, 0x7F)]
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars) + "□•×—–…‘’“”、。，：；！？（）《》【】·％"


@functools.lru_cache(maxsize=2)
def common_font(full: Path) -> tuple[Path, frozenset[int]]:
    """The smaller copy's path and the code points it covers."""
    text = _gb2312()
    digest = hashlib.sha256(full.read_bytes() + text.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"kuaiban-font-common-{digest}.ttf"
    if not path.is_file():
        font = TTFont(full, recalcTimestamp=False)
        options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, name_IDs=["*"])
        options.layout_features = ["*"]
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        partial = path.with_suffix(f".{os.getpid()}.part")
        font.save(partial)
        partial.replace(path)  # atomic: another process sees the whole file or none
    cmap = TTFont(path, lazy=True).getBestCmap()
    return path, frozenset(cmap)
