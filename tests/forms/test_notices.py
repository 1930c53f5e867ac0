"""受理通知, 延期 (two copies), 退回, 否定报备, 反馈表 specifics."""

from __future__ import annotations

import dataclasses
import io

import pypdf
import pytest

from forms import acceptance, demo, extension, feedback, refusal_record, return_notice
from forms.data import Rating
from tests.forms import pdfcheck
from tests.forms.cases import NO_ID


def test_extension_has_both_copies_each_complete() -> None:
    data = demo.extension()
    pdf = extension.render(data)
    pages = [pdfcheck.squash(t) for t in pdfcheck.page_texts(pdf)]
    assert len(pages) == 2
    assert "第一联申请人留存" in pages[0] and "第二联存档" not in pages[0]
    assert "第二联存档" in pages[1] and "第一联申请人留存" not in pages[1]
    expected = pdfcheck.expected_strings(data, NO_ID | {"applicant.address"})
    for page in pages:
        missing = {k: v for k, v in expected.items() if pdfcheck.squash(v) not in page}
        assert missing == {}
        assert "同意延期办理" in page
        assert "第" in page and "共2页" in page


def test_acceptance_states_due_date_and_days() -> None:
    text = pdfcheck.text(acceptance.render(demo.acceptance()))
    assert "将于2026年11月23日前办结" in text
    assert "5个工作日" in text


def test_return_notice_numbers_every_reason() -> None:
    data = demo.return_notice()
    text = pdfcheck.text(return_notice.render(data))
    for i, reason in enumerate(data.reasons, 1):
        assert f"{i}.{pdfcheck.squash(reason)}" in text


def test_refusal_record_long_facts_wrap() -> None:
    facts = "申请人拟在上塘组自留地翻建三层住宅一幢，选址位于村道拓宽控制线内。" * 8
    data = dataclasses.replace(demo.refusal_record(), facts=facts[:200])
    pdf = refusal_record.render(data)
    assert pdfcheck.squash(facts[:200]) in pdfcheck.text(pdf)
    assert pdfcheck.words_outside_body(pdf) == []


def _ticks(pdf: bytes) -> int:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    total = 0
    for page in reader.pages:
        contents = page.get_contents()
        assert contents is not None
        total += contents.get_data().count(b"1.3 w")
    return total


@pytest.mark.parametrize("rating", [*Rating, None])
def test_feedback_ticks_exactly_the_chosen_rating(rating: Rating | None) -> None:
    data = dataclasses.replace(demo.feedback(), rating=rating)
    pdf = feedback.render(data)
    text = pdfcheck.text(pdf)
    for level in Rating:
        assert level.value in text
    # one tick for the result confirmation, one for the rating when given, one per rated dimension
    assert _ticks(pdf) == (2 if rating else 1) + len(data.dimensions)
    assert _ticks(feedback.render(dataclasses.replace(data, dimensions={}))) == (2 if rating else 1)


def test_feedback_distinct_pdfs_per_rating() -> None:
    pdfs = {feedback.render(dataclasses.replace(demo.feedback(), rating=r)) for r in Rating}
    assert len(pdfs) == len(Rating)


def test_io_bytes_is_a_pdf() -> None:
    assert feedback.render(demo.feedback()).startswith(b"%PDF-")
