"""Every villager's name, exactly, on every form (issue 13).

For every form: the names of the corpus go into the person fields (and an address), the PDF
is rendered, each character of the name is found in the PDF with its box and must have ink
on the rasterised page, and ``pdftotext`` must return the exact name. A character no embedded
font draws stops the print with a message naming the character and the field.
"""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

import resources
from forms import demo as demo_records
from forms import entrustment, fonts, ledger
from forms.data import Party
from forms.errors import UnprintableCharacter
from tests.domain.names_corpus import EXT_A_TO_F, GBK_ONLY, LEVEL2_BEYOND_BMP, NAMES
from tests.forms import glyphs, pdfcheck
from tests.forms.cases import CASES, FormCase

PERSON_FIELDS = {
    "from_name",
    "to_name",
    "clerk_name",
    "applicant_name",
    "head_name",
    "leader_name",
    "keeper",
    "handed_by",
    "received_by",
    "clerk",
    "person",
}
ROLES = {"applicant", "agent"}
ADDRESS = "城南村\U00020bb7家湾\U0002c317组"
LANDSCAPE = {"ledger", "archive_register"}

PRINTED_NAMES = {
    "ext_a_to_f": EXT_A_TO_F,
    "gbk_only": NAMES["gbk_all"],
    "minority": NAMES["minority_3"],
    "fifty": NAMES["fifty"],
}


def with_name(value: Any, name: str, attr: str = "") -> Any:
    """``value`` with every person's name (and a party's address) replaced; in lists, the first item only."""
    if isinstance(value, Party):
        return dataclasses.replace(value, name=name, address=ADDRESS if value.address else "")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            current = getattr(value, f.name)
            person = f.name in PERSON_FIELDS and isinstance(current, str) and bool(current)
            if person or (f.name == "name" and attr == "clerks"):
                changes[f.name] = name
            elif dataclasses.is_dataclass(current) or isinstance(current, list | tuple):
                changes[f.name] = with_name(current, name, f.name)
        return dataclasses.replace(value, **changes)
    if isinstance(value, list | tuple) and value:
        return type(value)([with_name(value[0], name, attr), *value[1:]])
    return value


def page_height(case: FormCase) -> float:
    return float((landscape(A4) if case.id in LANDSCAPE else A4)[1])


@pytest.mark.parametrize("name_id", PRINTED_NAMES)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_character_of_the_name_is_drawn_and_read_back(case: FormCase, name_id: str) -> None:
    name = PRINTED_NAMES[name_id]
    record = with_name(case.record(), name)
    pdf = case.render(record)

    hits, blank = glyphs.blank_chars(pdf, name, page_height(case))
    assert hits >= 1, f"{case.id}: {name} not found character by character"
    assert blank == [], f"{case.id}: drawn blank: {blank}"
    assert pdfcheck.squash(name) in glyphs.pdftotext(pdf)
    for _, font in pdfcheck.fonts(pdf):
        assert pdfcheck.has_font_file2(font), "every font, the covering ones included, is embedded"


def test_an_address_with_rare_characters_prints_exactly() -> None:
    record = with_name(demo_records.entrustment(), "王\U00020bb7堃")
    pdf = entrustment.render(record)
    hits, blank = glyphs.blank_chars(pdf, ADDRESS, A4[1])
    assert hits >= 1 and blank == []
    assert ADDRESS in glyphs.pdftotext(pdf)


def test_the_196_level_two_characters_print_and_read_back() -> None:
    # 49 ledger rows, 4 of the characters each: the whole of GB 18030-2022 level 2 beyond the BMP.
    base = demo_records.ledger(49)
    rows = [
        dataclasses.replace(row, applicant_name="王" + LEVEL2_BEYOND_BMP[i * 4 : i * 4 + 4])
        for i, row in enumerate(base.rows)
    ]
    pdf = ledger.render(dataclasses.replace(base, rows=rows))
    text = glyphs.pdftotext(pdf)
    found = glyphs.chars(pdf)
    images = glyphs.pages(pdf)
    height = float(landscape(A4)[1])
    for row in rows:
        assert row.applicant_name in text
        (hit,) = glyphs.find(found, row.applicant_name)
        assert all(glyphs.ink(images[c.page - 1], c, height) > 0 for c in hit), row.applicant_name


def _gb18030_level1() -> str:
    """Every character of GB 18030's two-byte part (PUA left out) and of CJK Ext A."""
    out = []
    for lead in range(0x81, 0xFF):
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFF)]:
            try:
                char = bytes([lead, trail]).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if unicodedata.category(char) != "Co":
                out.append(char)
    out += [chr(c) for c in range(0x3400, 0x4DC0) if unicodedata.category(chr(c)) == "Lo"]
    return "".join(out)


EXTENSIONS = {
    "B": (0x20000, 0x2A6DF),
    "C": (0x2A700, 0x2B73F),
    "D": (0x2B740, 0x2B81F),
    "E": (0x2B820, 0x2CEAF),
    "F": (0x2CEB0, 0x2EBEF),
}


def test_the_fonts_cover_gb18030_level_1_and_every_ideograph_of_ext_b_to_f() -> None:
    level1 = _gb18030_level1()
    assert len(level1) > 28_000
    assert fonts.unprintable(level1) is None
    assert fonts.unprintable(LEVEL2_BEYOND_BMP) is None
    for block, (first, last) in EXTENSIONS.items():
        ideographs = "".join(chr(c) for c in range(first, last + 1) if unicodedata.category(chr(c)) == "Lo")
        assert ideographs, block
        assert fonts.unprintable(ideographs) is None, block
    # and in the heading face too (a name in a bold heading or a <b> span)
    assert fonts.unprintable(EXT_A_TO_F + GBK_ONLY, fonts.HEI) is None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_character_no_font_draws_stops_the_print_naming_the_field(case: FormCase) -> None:
    uncovered = "\U00030000"  # Ext G: not in the embedded fonts
    record = with_name(case.record(), "郑" + uncovered)
    with pytest.raises(UnprintableCharacter) as caught:
        case.render(record)
    assert caught.value.char == uncovered
    assert caught.value.field, "the message names the field"
    assert "U+30000" in caught.value.message and caught.value.field in caught.value.message


def test_the_guard_names_the_person_and_the_row() -> None:
    record = demo_records.entrustment()
    with pytest.raises(UnprintableCharacter, match="委托人姓名"):
        entrustment.render(
            dataclasses.replace(record, applicant=dataclasses.replace(record.applicant, name="郑\U00030000"))
        )
    with pytest.raises(UnprintableCharacter, match="受托人地址"):
        entrustment.render(dataclasses.replace(record, agent=dataclasses.replace(record.agent, address="村\U00030000")))
    base = demo_records.ledger(5)
    rows = list(base.rows)
    rows[2] = dataclasses.replace(rows[2], applicant_name="郑\U00030000")
    with pytest.raises(UnprintableCharacter, match="第3行申请人姓名"):
        ledger.render(dataclasses.replace(base, rows=rows))


def test_the_font_itself_refuses_what_no_font_draws() -> None:
    # Text that bypasses the record check (drawn straight on a canvas) still cannot print a blank.
    fonts.register()
    canvas = Canvas(None)
    canvas.setFont(fonts.SONG, 10)
    with pytest.raises(UnprintableCharacter):
        canvas.drawString(10, 10, "郑\U00030000")


def test_the_ink_check_sees_a_blank() -> None:
    # The check can fail: the body font alone (no fallback) draws 𠮷 as an empty glyph.
    # registerFont would hand back the registered FallbackFont of the same face: put it in directly.
    plain = "PlainSongForTest"
    pdfmetrics._fonts[plain] = TTFont(plain, str(resources.path("fonts/gbsn00lp.ttf")))  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont(plain, 20)
    canvas.drawString(100, 700, "王\U00020bb7堃")
    canvas.save()
    pdf = buffer.getvalue()
    found = glyphs.chars(pdf)
    images = glyphs.pages(pdf)
    inks = [glyphs.ink(images[0], c, A4[1]) for c in found if not c.text.isspace()]
    assert inks[0] > 0  # 王 is in the body font
    assert 0 in inks[1:]  # 𠮷 and 堃 are not: nothing is drawn
