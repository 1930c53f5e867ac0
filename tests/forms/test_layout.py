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
