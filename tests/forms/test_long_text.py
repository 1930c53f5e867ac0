"""Every text field of every form at 200 characters: nothing overflows, nothing is lost."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from forms.data import Signature
from tests.forms import pdfcheck
from tests.forms.cases import CASES, FormCase

KEEP = {
    "case_no",
    "code",
    "case_url_base",
    "id_number",
    "id_type",
    "phone",
    "from_phone",
    "to_phone",
    "applicant_id",
    "service_kind",
    # labels of the domain's fixed vocabularies (办件类型, 办理状态), never free text
    "case_type",
    "state",
}
PIECE = "村民委托代办事项说明ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789，含括号（）与书名号《》、顿号。"


def long_text(n: int) -> str:
    return (f"{n}号" + PIECE * 10)[:200]


def lengthen(record: Any, counter: list[int]) -> Any:
    """A copy of ``record`` with every free-text field replaced by a distinct 200-character text."""
    if isinstance(record, Signature) or not dataclasses.is_dataclass(record):
        return record
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if f.name in KEEP:
            continue
        if isinstance(value, str) and value:
            counter[0] += 1
            changes[f.name] = long_text(counter[0])
        elif dataclasses.is_dataclass(value):
            changes[f.name] = lengthen(value, counter)
        elif isinstance(value, list | tuple) and value:
            items = []
            for item in value[:3]:
                if isinstance(item, str):
                    counter[0] += 1
                    items.append(long_text(counter[0]))
                else:
                    items.append(lengthen(item, counter))
            changes[f.name] = tuple(items)
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]


@pytest.mark.parametrize("form", CASES, ids=[c.id for c in CASES])
def test_200_character_fields_wrap_inside_the_page(form: FormCase) -> None:
    record = lengthen(form.record(), [0])
    pdf = form.render(record)
    assert pdfcheck.words_outside_body(pdf) == []
    text = pdfcheck.text(pdf)
    for path, value in pdfcheck.expected_strings(record, form.skip).items():
        if len(value) == 200 and form.fields:
            assert pdfcheck.squash(value) in text, path
    if not form.fields:  # lists: the long texts are in cells; at least the case numbers survive
        for row in getattr(record, "rows", ()):
            assert row.case_no in text
        for row in getattr(record, "stations", ()):  # 考核统计表: the names wrap in full in its table
            assert pdfcheck.squash(row.name) in text
