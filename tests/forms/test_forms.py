"""Every form: all fields printed, fonts embedded, nothing outside the page body."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from forms import layout
from forms.data import Signature
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


def _blank(record: Any) -> Any:
    """The record as printed before signing: every optional date, time and signature left empty."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if f.default is None and isinstance(value, date | Signature):
            changes[f.name] = None
    return dataclasses.replace(record, **changes)


def test_blank_form_for_hand_signing_keeps_its_pages(case: tuple[FormCase, bytes]) -> None:
    form, pdf = case
    blank = form.render(_blank(form.record()))
    assert pdfcheck.page_count(blank) == pdfcheck.page_count(pdf)
    assert pdfcheck.words_outside_body(blank) == []
    record = form.record()
    if any(f.default is None and isinstance(getattr(record, f.name), date) for f in dataclasses.fields(record)):
        assert pdfcheck.squash(layout.BLANK_DATE)[:5] in pdfcheck.text(blank)
