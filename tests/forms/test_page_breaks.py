"""One layout rule on every form with a list: a signature or closing block never starts a page
without the last rows of what it signs, and a table continued on a new page repeats its header.

A property over 0-40 rows of random heights (hypothesis): names from one character to several
wrapped lines move the page breaks everywhere a real form can put them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import (
    acceptance,
    archive_list,
    archive_register,
    closure,
    demo,
    demo_steps,
    entrustment,
    handover,
    intake,
    ledger,
    one_time_notice,
    return_notice,
    withdrawal,
)
from forms.data import ArchiveConsultRow, ArchiveRow, MaterialLine, MissingMaterial
from tests.forms import pdfcheck

FILLER = "户口簿居民身份证社会保障卡银行卡存折复印件原件加盖公章的证明材料"


def text_of(length: int) -> str:
    return (FILLER * (length // len(FILLER) + 1))[:length]


@dataclass(frozen=True)
class Listed:
    """A form, the list field whose rows vary, how a row is made, and the texts that mark the parts."""

    id: str
    record: Callable[[], Any]
    render: Callable[[Any], bytes]
    field: str
    row: Callable[[int, int], Any]  # (number, text length) -> row; the row shows f"第{number}号"
    closing: str  # printed once, in the block that closes the list (signatures)
    header: str  # printed in the table's header row


def material(n: int, length: int) -> MaterialLine:
    return MaterialLine(name=f"第{n}号{text_of(length)}", original=n % 2 == 0, copies=1 + n % 3)


def missing(n: int, length: int) -> MissingMaterial:
    return MissingMaterial(name=f"第{n}号{text_of(length)}", how_to_obtain=text_of(length // 2 + 4))


def ledger_row(n: int, length: int) -> Any:
    (row,) = demo.ledger_rows(1, seed=n)
    return dataclasses.replace(row, case_no=f"第{n}号", matter=text_of(min(length, 14)))


def archive_row(n: int, length: int) -> ArchiveRow:
    return ArchiveRow(
        case_no=f"第{n}号", title=f"王秀英 {text_of(length)}", case_type="承诺件", closed_on=None, pages=3
    )


def consult_row(n: int, length: int) -> ArchiveConsultRow:
    return ArchiveConsultRow(
        person="王秀英", files=f"第{n}号 {text_of(length)}", manner="查阅", purpose=text_of(length // 3)
    )


def register_entries() -> Any:
    """The register with its entries only: the ruled blank rows would follow the last one."""
    return dataclasses.replace(demo_steps.archive_register(), blank_rows=0)


LISTED = [
    Listed("entrustment", demo.entrustment, entrustment.render, "materials", material, "委托人签名", "材料名称"),
    Listed("intake", demo_steps.intake, intake.render, "materials", material, "申请人（签字）", "材料名称"),
    Listed("acceptance", demo.acceptance, acceptance.render, "materials", material, "申请人签收（签字）", "材料名称"),
    Listed(
        "return_notice", demo.return_notice, return_notice.render, "returned", material, "申请人（签字）", "材料名称"
    ),
    Listed("handover_in", demo.handover_in, handover.render, "items", material, "交接双方当面清点", "材料名称"),
    Listed("handover_back", demo.handover_back, handover.render, "items", material, "交接双方当面清点", "材料名称"),
    Listed(
        "one_time_notice", demo.one_time_notice, one_time_notice.render, "missing", missing, "申请人签收", "获取方式"
    ),
    Listed("completion", demo_steps.completion, closure.render, "returned", material, "申请人确认", "材料名称"),
    Listed("termination", demo_steps.termination, closure.render, "returned", material, "申请人确认", "材料名称"),
    Listed("withdrawal", demo_steps.withdrawal, withdrawal.render, "returned", material, "申请人确认", "材料名称"),
    Listed("ledger", demo.ledger, ledger.render, "rows", ledger_row, "台账管理人", "办件编号"),
    Listed("archive_list", demo.archive_list, archive_list.render, "rows", archive_row, "移交单位", "案卷题名"),
    Listed(
        "archive_register", register_entries, archive_register.render, "rows", consult_row, "档案管理人", "查阅档案"
    ),
]

ROW_LENGTHS = st.integers(min_value=0, max_value=40).flatmap(
    lambda n: st.lists(st.integers(min_value=1, max_value=70), min_size=n, max_size=n)
)


def pages_with(pages: list[str], text: str) -> list[int]:
    return [i for i, page in enumerate(pages) if text in page]


def check(form: Listed, lengths: list[int]) -> None:
    rows = [form.row(n, length) for n, length in enumerate(lengths, 1)]
    pdf = form.render(dataclasses.replace(form.record(), **{form.field: rows}))
    pages = [pdfcheck.squash(t) for t in pdfcheck.page_texts(pdf)]
    (closing_page,) = pages_with(pages, pdfcheck.squash(form.closing)) or [None]
    assert closing_page is not None, f"{form.id}: the closing block is not printed"
    assert form.header in pages[closing_page], f"{form.id}: the closing block is on a page without its table"
    if rows:
        last = pages_with(pages, f"第{len(rows)}号")
        assert closing_page in last, (
            f"{form.id}, {len(rows)} rows: signed on page {closing_page + 1} without the last row"
        )
    for n in range(1, len(rows) + 1):
        for page in pages_with(pages, f"第{n}号"):
            assert form.header in pages[page], f"{form.id}: row {n} on page {page + 1} has no table header"


@pytest.mark.parametrize("form", LISTED, ids=[f.id for f in LISTED])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lengths=ROW_LENGTHS)
def test_the_closing_block_travels_with_the_last_rows(form: Listed, lengths: list[int]) -> None:
    check(form, lengths)


@pytest.mark.parametrize("form", LISTED, ids=[f.id for f in LISTED])
def test_every_count_from_0_to_40_with_long_rows(form: Listed) -> None:
    # The sizes where a page is just full: every count once, rows two lines high.
    for count in range(41):
        check(form, [30] * count)
