"""Shared layout helpers: wrapping never overhangs, ID masking, date blanks."""

from __future__ import annotations

from datetime import date, datetime

from reportlab.platypus import Paragraph

from forms import layout

TEXT = "到农商银行青溪支行办理社保卡金融账户激活，或提供本人名下一类银行账户。（必须）"


def test_plain_reportlab_cjk_wrap_hangs_punctuation_past_the_width() -> None:
    # Why CellParagraph exists: if this ever stops failing, CellParagraph can go.
    assert any(_overhangs(Paragraph(TEXT, layout.CELL), w) for w in range(30, 400))


def test_cell_paragraph_never_overhangs() -> None:
    for w in range(30, 400):
        assert not _overhangs(layout.para(TEXT), w), w


def _overhangs(p: Paragraph, width: float) -> bool:
    p.wrap(width, 10_000)
    return layout.CellParagraph._overhangs(p, width)  # type: ignore[arg-type]


def test_mask_id() -> None:
    assert layout.mask_id("440308199001011234") == "440308********1234"
    assert layout.mask_id("E1234567") == "E1****67"
    assert layout.mask_id("123") == "***"


def test_dates() -> None:
    assert layout.fmt_date(date(2026, 1, 5)) == "2026年1月5日"
    assert layout.fmt_date(None) == layout.BLANK_DATE
    assert layout.fmt_datetime(datetime(2026, 1, 5, 9, 3)) == "2026年1月5日09时03分"


def _line_starts(pdf: bytes) -> list[str]:
    import io

    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTContainer, LTTextLine

    out: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, LTTextLine):
            text = item.get_text().strip()
            if text:
                out.append(text)
        elif isinstance(item, LTContainer):
            for child in item:
                walk(child)

    for page in extract_pages(io.BytesIO(pdf), laparams=LAParams(char_margin=1.0)):
        walk(page)
    return out


def test_no_printed_line_starts_with_a_mark_that_cannot_start_a_line() -> None:
    # GB/T 15834: ，。；：！？ and closing quotes/brackets stay with the character before them.
    from forms.demo_files import DEMO_FILES
    from forms.text import CHINESE_CANNOT_START

    marks = CHINESE_CANNOT_START + "、。"
    for name, make in DEMO_FILES.items():
        bad = [line for line in _line_starts(make()) if line[0] in marks]
        assert bad == [], f"{name}: {bad[:3]}"
