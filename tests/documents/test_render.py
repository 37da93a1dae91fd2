"""PDF rendering with the shipped CJK font (no Django needed).

The PDFs are read back with pypdf: the font must be embedded (a TrueType
CIDFont whose glyphs have outlines) and the Chinese text must come back out.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from kuaiban.documents import render
from kuaiban.documents.model import (
    Bullets,
    Document,
    Heading,
    KeyValue,
    Paragraph,
    Table,
)
from kuaiban.documents.render import FONT_PATH, render_pdf

A4_POINTS = (595.28, 841.89)
CLOSING_PUNCTUATION = tuple("，。、；：？！）》」』】〕”’")
GIANT_CELL = "".join(
    f"第{i:03d}条说明：材料须加盖单位公章，复印件注明“与原件一致”。" for i in range(1, 121)
)


def guide() -> Document:
    rows = [
        [
            str(i),
            f"材料{i:02d}：社会保险登记表（单位参保）",
            "原件1份；委托办理的，另附授权委托书及受托人有效身份证件复印件。" * (1 + i % 3),
            "纸质",
        ]
        for i in range(1, 61)
    ]
    rows.append(["61", "超长说明", GIANT_CELL, ""])
    rows.append(["62", "末行材料", "最后一行的内容", "纸质"])
    return Document(
        title="城镇职工基本养老保险关系转移接续办事指南",
        subtitle="人力资源和社会保障局 · 〔2024〕12号",
        meta=[
            ("事项编码", "370100-YLBX-0007"),
            ("办理时限", "15个工作日"),
            ("受理机构", "市社会保险事业中心"),
            ("咨询电话", "12333"),
        ],
        blocks=[
            Heading("一、适用范围"),
            Paragraph(
                "参保人员跨省、市流动就业的，可以申请转移基本养老保险关系，"
                "转移后累计计算缴费年限，个人账户储存额随同转移。"
            ),
            Heading("二、办理条件"),
            Bullets(
                [
                    "已在转出地参加城镇职工基本养老保险；",
                    "未达到法定退休年龄，或达到退休年龄但尚未领取养老金；",
                    "①②③〔〕《》“”、。，；：？！（）—…·",
                ]
            ),
            KeyValue([("申请人", "张三"), ("证件号码", "370102196503151234")]),
            Heading("三、申请材料"),
            Table(["序号", "材料名称", "材料要求", "形式"], rows, widths=[0.6, 2.2, 3.4, 0.8]),
            Paragraph("以上内容以窗口最新公告为准。"),
        ],
        footer="快办 · 人社服务综合受理平台",
    )


@pytest.fixture(scope="module")
def guide_pdf() -> bytes:
    return render_pdf(guide())


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in read(pdf).pages]


def squeeze(text: str) -> str:
    """Drop all whitespace: line breaks fall anywhere in Chinese text."""
    return re.sub(r"\s+", "", text)


def body_text(pdf: bytes) -> str:
    """All pages' text without the page furniture (footer, repeated table header)."""
    bodies = []
    for text in page_texts(pdf):
        body = re.sub(r"第\d+页/共\d+页快办·人社服务综合受理平台$", "", squeeze(text))
        bodies.append(body.removeprefix("（续表）序号材料名称材料要求形式"))
    return "".join(bodies)


def obj(value: object) -> DictionaryObject:
    """Resolve an indirect reference to a PDF dictionary (or stream)."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    assert isinstance(value, DictionaryObject), value
    return value


def stream_data(value: object) -> bytes:
    stream = obj(value)
    assert isinstance(stream, StreamObject)
    return stream.get_data()


def descendant(font: DictionaryObject) -> DictionaryObject:
    descendants = font["/DescendantFonts"]
    assert isinstance(descendants, ArrayObject)
    return obj(descendants[0])


def fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    for page in reader.pages:
        for ref in obj(obj(page["/Resources"])["/Font"]).values():
            yield obj(ref)


def test_output_is_an_a4_pdf(guide_pdf: bytes) -> None:
    assert guide_pdf.startswith(b"%PDF-")
    assert b"%%EOF" in guide_pdf[-64:]
    reader = read(guide_pdf)
    assert len(reader.pages) >= 3  # the long table spans pages
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (width, height) == pytest.approx(A4_POINTS, abs=0.5)
    assert reader.metadata is not None
    assert reader.metadata.title == "城镇职工基本养老保险关系转移接续办事指南"


def test_only_the_shipped_cjk_font_is_used_and_it_is_embedded(guide_pdf: bytes) -> None:
    reader = read(guide_pdf)
    used = list(fonts(reader))
    assert used, "no font in the PDF"
    for font in used:
        assert str(font["/Subtype"]) == "/Type0"
        assert re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKSC", str(font["/BaseFont"]))
        cid_font = descendant(font)
        assert str(cid_font["/Subtype"]) == "/CIDFontType2"
        descriptor = obj(cid_font["/FontDescriptor"])
        assert "/FontFile2" in descriptor  # the TrueType program itself
        assert len(stream_data(descriptor["/FontFile2"])) > 10_000


def _char_to_glyph(font: DictionaryObject) -> dict[str, int]:
    """Map each character drawn with ``font`` to its glyph id in the embedded font."""
    to_unicode = stream_data(font["/ToUnicode"]).decode("latin-1")
    cid_to_gid = stream_data(descendant(font)["/CIDToGIDMap"])
    mapping: dict[str, int] = {}
    for code, unicode_hex in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4,8})>", to_unicode):
        cid = int(code, 16)
        gid = int.from_bytes(cid_to_gid[2 * cid : 2 * cid + 2], "big")
        mapping[bytes.fromhex(unicode_hex).decode("utf-16-be")] = gid
    return mapping


def test_embedded_font_has_real_outlines_for_the_chinese_characters(guide_pdf: bytes) -> None:
    font = next(fonts(read(guide_pdf)))
    descriptor = obj(descendant(font)["/FontDescriptor"])
    embedded = TTFont(io.BytesIO(stream_data(descriptor["/FontFile2"])))
    glyphs = embedded["glyf"]
    order = embedded.getGlyphOrder()
    char_to_glyph = _char_to_glyph(font)
    for char in "城镇职工基本养老保险第页共续表①〔《“、。，":
        assert char in char_to_glyph, f"{char} not drawn with the embedded font"
        glyph = glyphs[order[char_to_glyph[char]]]
        assert glyph.numberOfContours > 0, f"{char} has no outline in the embedded font"


def test_chinese_text_can_be_extracted(guide_pdf: bytes) -> None:
    texts = page_texts(guide_pdf)
    everything = squeeze("".join(texts))
    first_page = squeeze(texts[0])
    for expected in [
        "城镇职工基本养老保险关系转移接续办事指南",
        "人力资源和社会保障局·〔2024〕12号",
        "事项编码：370100-YLBX-0007",
        "办理时限：15个工作日",
        "一、适用范围",
        "转移后累计计算缴费年限，个人账户储存额随同转移。",
        "未达到法定退休年龄，或达到退休年龄但尚未领取养老金；",
        "①②③〔〕《》“”、。，；：？！（）—…·",
        "申请人张三",
        "序号材料名称材料要求形式",
    ]:
        assert expected in first_page, expected
    assert "最后一行的内容" in everything
    assert "以上内容以窗口最新公告为准。" in everything


def test_every_page_has_footer_and_page_numbers(guide_pdf: bytes) -> None:
    texts = page_texts(guide_pdf)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页/共{total}页" in squeeze(text)
        assert "快办·人社服务综合受理平台" in squeeze(text)


def test_table_header_is_repeated_on_continuation_pages(guide_pdf: bytes) -> None:
    texts = [squeeze(text) for text in page_texts(guide_pdf)]
    continued = [text for text in texts[1:] if "（续表）" in text]
    assert len(continued) >= 2
    for text in continued:
        assert "（续表）序号材料名称材料要求形式" in text


def test_a_row_taller_than_a_page_is_split_without_losing_text(guide_pdf: bytes) -> None:
    body = body_text(guide_pdf)
    assert f"61超长说明{GIANT_CELL}62末行材料最后一行的内容纸质" in body


def test_no_line_starts_with_closing_punctuation(guide_pdf: bytes) -> None:
    lines = [line.strip() for text in page_texts(guide_pdf) for line in text.splitlines()]
    assert len(lines) > 100
    bad = [line for line in lines if line.startswith(CLOSING_PUNCTUATION)]
    assert not bad


def test_edge_cases_do_not_crash() -> None:
    document = Document(
        title="",
        blocks=[
            Table(["序号", "材料名称"], []),
            Table([], []),
            Table([], [["无表头", "的表格"]]),
            Table(["甲", "乙", "丙"], [["只有一格"]]),
            Bullets([]),
            Bullets(["", "正常条目"]),
            KeyValue([]),
            Heading(""),
            Paragraph(""),
            Paragraph("A" * 3000),
            Paragraph("汉" * 3000),
            Paragraph("https://example.gov.cn/" + "x" * 500),
            Paragraph("制表符\t换行\r\n控制字符\x00\x07结束"),
            Table(["编号", "说明"], [["1", "Z" * 2000]], widths=[1, 1]),
        ],
    )
    pdf = render_pdf(document)
    everything = squeeze("".join(page_texts(pdf)))
    assert "（无数据）" in everything
    assert "A" * 200 in everything
    assert "汉" * 200 in everything
    assert "Z" * 50 in everything
    assert "控制字符" in everything


def test_empty_document_gives_one_page() -> None:
    reader = read(render_pdf(Document(title="")))
    assert len(reader.pages) == 1
    assert "第1页/共1页" in squeeze(reader.pages[0].extract_text())


def test_characters_missing_from_the_font_become_boxes(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kuaiban.documents.render"):
        pdf = render_pdf(Document(title="生僻字", blocks=[Paragraph("姓名：王𠀀😀")]))
    assert "王□□" in squeeze("".join(page_texts(pdf)))
    assert "U+20000" in caplog.text


def test_missing_font_file_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(render, "FONT_PATH", tmp_path / "missing.ttf")
    with pytest.raises(FileNotFoundError, match="CJK font missing"):
        render_pdf(Document(title="受理回执"))


def test_shipped_font_covers_gb2312_and_common_symbols() -> None:
    cmap = TTFont(FONT_PATH, lazy=True).getBestCmap()
    gb2312 = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                gb2312.add(bytes([lead, trail]).decode("gb2312"))
    assert len(gb2312) == 7445  # 6763 hanzi and 682 symbols
    required = gb2312 | set("①⑳〔〕《》“”、。，；：？！（）—…·•℃№￥€✓□堃喆玥")
    required |= {chr(c) for c in range(0x20, 0x7F)}
    missing = sorted(char for char in required if ord(char) not in cmap)
    assert not missing


def test_model_validates_tables() -> None:
    with pytest.raises(ValueError, match="widths"):
        Table(["a", "b"], [], widths=[1.0])
    with pytest.raises(ValueError, match="positive"):
        Table(["a", "b"], [], widths=[1.0, 0.0])
    with pytest.raises(ValueError, match="3 cells"):
        Table(["a", "b"], [["1", "2", "3"]])
    with pytest.raises(dataclasses.FrozenInstanceError):
        Heading("标题").text = "改"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "atoms"),
    [
        ("中文，测试。", ["中", "文，", "测", "试。"]),
        ("见（附件）说明", ["见", "（附", "件）", "说", "明"]),
        ("使用Python语言", ["使", "用", "Python", "语", "言"]),
        ("a b", ["a", " ", "b"]),
        ("“引号”内", ["“引", "号”", "内"]),
    ],
)
def test_line_break_opportunities(text: str, atoms: list[str]) -> None:
    assert render._atoms(text) == atoms


def test_an_image_block_is_drawn_at_its_width_and_a_non_png_is_refused() -> None:
    import segno

    from kuaiban.documents.model import Image

    buffer = io.BytesIO()
    segno.make_qr("https://example.test/r/1").save(buffer, kind="png", scale=4)
    document = Document(title="二维码", blocks=[Image(buffer.getvalue(), width=30, caption="扫码")])
    reader = PdfReader(io.BytesIO(render_pdf(document)))
    [image] = reader.pages[0].images
    assert image.image is not None and image.image.width == image.image.height
    assert "扫码" in reader.pages[0].extract_text()
    with pytest.raises(ValueError):
        Image(b"GIF89a" + b"\x00" * 30)
    with pytest.raises(ValueError):
        Image(buffer.getvalue(), width=0)


def _embedded_outlines(pdf: bytes) -> dict[str, list[tuple[int, int]]]:
    """Each character drawn → the points of its glyph in the embedded font."""
    font = next(fonts(read(pdf)))
    embedded = TTFont(
        io.BytesIO(stream_data(obj(descendant(font)["/FontDescriptor"])["/FontFile2"]))
    )
    order = embedded.getGlyphOrder()
    glyf = embedded["glyf"]
    return {
        char: list(glyf[order[gid]].getCoordinates(glyf)[0])
        for char, gid in _char_to_glyph(font).items()
    }


def test_documents_share_the_parsed_font_and_each_embeds_the_true_outlines_of_its_own_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The font is parsed once per process; a document drawing a character outside GB 2312 (堃,
    喆 in a name) embeds the shipped outline for it, and the next document, lent the same parsed
    font, embeds only its own characters with their outlines — the first changed nothing shared."""
    render_pdf(Document(title="预热"))
    import fpdf.fonts

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the font was parsed again for a document")

    monkeypatch.setattr(fpdf.fonts.TTFFont, "__init__", no_parsing)
    shipped = TTFont(FONT_PATH)
    shipped_glyf = shipped["glyf"]
    cmap = shipped.getBestCmap()

    def shipped_points(char: str) -> list[tuple[int, int]]:
        return list(shipped_glyf[cmap[ord(char)]].getCoordinates(shipped_glyf)[0])

    first = render_pdf(Document(title="个人权益记录单", meta=[("姓名", "李堃喆")]))
    second = render_pdf(Document(title="参保缴费证明", meta=[("姓名", "王玥")]))
    third = render_pdf(Document(title="个人权益记录单", meta=[("姓名", "李堃喆")]))
    assert "姓名：李堃喆" in squeeze("".join(page_texts(first)))
    assert "姓名：王玥" in squeeze("".join(page_texts(second)))
    first_glyphs, second_glyphs = _embedded_outlines(first), _embedded_outlines(second)
    for char in "堃喆李权":
        assert first_glyphs[char] == shipped_points(char), char
        assert char not in second_glyphs
    for char in "玥王缴":
        assert second_glyphs[char] == shipped_points(char), char
        assert char not in first_glyphs
    assert _embedded_outlines(third) == first_glyphs
