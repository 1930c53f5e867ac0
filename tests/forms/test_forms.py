"""Every form: all fields printed, fonts embedded, nothing outside the page body."""

from __future__ import annotations

import pytest

from tests.forms import pdfcheck
from tests.forms.cases import CASES, FormCase


@pytest.fixture(scope="module", params=CASES, ids=[c.id for c in CASES])
def case(request: pytest.FixtureRequest) -> tuple[FormCase, bytes]:
    form: FormCase = request.param
    return form, form.pdf()


def test_every_field_is_printed(case: tuple[FormCase, bytes]) -> None:
    form, pdf = case
    if not form.fields:
        pytest.skip("checked in the list form's own tests")
    assert pdfcheck.missing_fields(pdf, form.record(), form.skip) == {}


def test_only_embedded_fonts(case: tuple[FormCase, bytes]) -> None:
    _, pdf = case
    used = list(pdfcheck.fonts(pdf))
    assert used, "no font found"
    not_embedded = [name for name, font in used if not pdfcheck.font_is_embedded(font)]
    assert not_embedded == []
    assert all(font.get("/FontDescriptor") is not None for _, font in used)
    assert any(pdfcheck.has_font_file2(font) for _, font in used)


def test_text_inside_page_body(case: tuple[FormCase, bytes]) -> None:
    _, pdf = case
    assert pdfcheck.words(pdf), "pdftotext found no words"
    assert pdfcheck.words_outside_body(pdf) == []


def test_same_input_same_bytes(case: tuple[FormCase, bytes]) -> None:
    form, pdf = case
    assert form.pdf() == pdf


def test_case_number_on_every_page(case: tuple[FormCase, bytes]) -> None:
    form, pdf = case
    record = form.record()
    number = getattr(record, "case_no", None)
    if number is None:
        pytest.skip("list forms carry a list number, checked in their own tests")
    for page in pdfcheck.page_texts(pdf):
        assert number in pdfcheck.squash(page)
