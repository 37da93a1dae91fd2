"""The one scheme of citation labels (`source:`) in the catalogue and the packs.

A label names the seed by its three-digit number and a place in it, from the largest part to
the smallest, each part separated by one space:

- a row of an annex table: ``附件A 序号N``, then the scenario (``N-N``, or ``分类 名称`` for a
  seed whose table says 分类), then the item in the seed's own numbering (``必做事项N``,
  ``情形事项N``, ``情形事项第①组N`` where a cell holds one numbered list per scenario,
  ``事项N`` for the N-th item of an unnumbered cell, or the seed's circled number ``①``);
  e.g. ``000 附件1 序号7 7-1 必做事项2``, ``003 附件1 序号12 分类 企业职工 事项1``,
  ``001 附件1 序号8 ③``; a whole annex is ``001 附件3``;
- a passage of the body: ``正文`` and the section numbers as printed (``一``, ``二（三）``)
  and the numbered paragraph, if any: ``000 正文 二（三）2``, ``004 正文 三（三）13``;
- a place's own pack, which rests on a local decision rather than a seed: the place and
  ``本地``, then its own bundle (``L1``), scenario (``L1-1``) and item as above, or the
  province's 提速办 row it shortens (``提速办 序号2``) or picks (``提速办 选取`` + the row's
  label): ``济南 本地 L1-1 必做事项1``, ``太原 本地 提速办 选取 001 附件2 序号2``.
"""

from __future__ import annotations

import re

_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ITEM = rf"(?:(?:必做|情形)事项(?:第[{_CIRCLED}]组)?\d+|事项\d+|[{_CIRCLED}])"
_ROW = rf"附件\d+(?: 序号\d+(?: (?:\d+-\d+|分类 \S+))?(?: {_ITEM})?)?"
_BODY = rf"正文 [{_CN}]+(?:（[{_CN}]+）)?(?:\d+)?"
_SEEDED = rf"\d{{3}} (?:{_ROW}|{_BODY})"
_LOCAL = (
    rf"[^\s\d]\S* 本地(?: [A-Z]*\d+(?:-\d+)?(?: {_ITEM})?"
    rf"| 提速办 (?:序号\d+|选取 {_SEEDED}))?"
)
CITATION = re.compile(rf"{_SEEDED}|{_LOCAL}")


def citation_problem(label: str) -> str:
    """Why ``label`` does not follow the scheme ("" when it does)."""
    if CITATION.fullmatch(label):
        return ""
    return (
        f"出处“{label}”不符合标注格式：种子编号 + 附件位置（如“000 附件1 序号7 7-1 必做事项2”）"
        "或正文位置（如“004 正文 三（三）13”），本地政策包为“地名 本地 …”（如“济南 本地 L1-1 必做事项1”），"
        "详见 docs/PACK_FORMAT.md"
    )
