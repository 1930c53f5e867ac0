"""代办台账 and 档案移交清单: pagination, repeated header rows, page numbers, masking, Excel export."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date, datetime

import openpyxl
import pytest

from forms import archive_list, demo, layout, ledger
from forms.data import Ledger
from tests.forms import pdfcheck


@pytest.fixture(scope="module")
def big_ledger() -> Ledger:
    return dataclasses.replace(demo.ledger(), rows=demo.ledger_rows(1000))


@pytest.fixture(scope="module")
def big_pdf(big_ledger: Ledger) -> bytes:
    return ledger.render(big_ledger)


def test_1000_row_ledger_paginates_with_header_and_page_numbers(big_ledger: Ledger, big_pdf: bytes) -> None:
    pages = [pdfcheck.squash(t) for t in pdfcheck.page_texts(big_pdf)]
    total = len(pages)
    assert total >= 20
    for n, page in enumerate(pages, 1):
        assert f"第{n}页共{total}页" in page
        assert "办件编号" in page and "身份证号" in page and "满意度" in page, f"header row missing on page {n}"
        assert ledger.number(big_ledger) in page
    text = "".join(pages)
    numbers = re.findall(r"QX0312-\d{8}-\d{4}", text)
    assert len(set(numbers)) == len({r.case_no for r in big_ledger.rows})
    for row in big_ledger.rows:
        assert row.case_no in text


def test_1000_row_ledger_stays_inside_the_page(big_pdf: bytes) -> None:
    assert pdfcheck.words_outside_body(big_pdf) == []


def test_ledger_masks_id_numbers(big_ledger: Ledger, big_pdf: bytes) -> None:
    text = pdfcheck.text(big_pdf)
    for row in big_ledger.rows[:50]:
        assert row.applicant_id not in text
        assert layout.mask_id(row.applicant_id) in text


def test_ledger_prints_every_column() -> None:
    data = demo.ledger()
    text = pdfcheck.text(ledger.render(data))
    for n, row in enumerate(data.rows, 1):
        line = "".join(pdfcheck.squash(c) for c in ledger.cells(n, row))
        assert line in text, row.case_no
    assert pdfcheck.squash(ledger.summary(data)) in text
    assert data.keeper in text


def test_ledger_summary_rates() -> None:
    s = ledger.summary(demo.ledger())
    assert re.search(r"按时办结率 \d+\.\d%", s) and re.search(r"满意率 \d+\.\d%", s)


def test_empty_ledger_prints() -> None:
    data = dataclasses.replace(demo.ledger(), rows=[])
    text = pdfcheck.text(ledger.render(data))
    assert "本期无办件" in text
    assert "合计：办件0件" in text


def test_ledger_xlsx(big_ledger: Ledger) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(ledger.to_xlsx(big_ledger)))
    ws = wb.active
    assert ws is not None
    assert ws.title == "代办台账"
    assert [c.value for c in ws[3]] == list(ledger.XLSX_HEADERS)
    assert ws.print_title_rows == "$3:$3"
    first = big_ledger.rows[0]
    row4 = [c.value for c in ws[4]]
    assert row4[1] == first.case_no
    assert (row4[2], row4[3]) == (first.applicant_name, f"{first.phone[:3]}****{first.phone[-4:]}")  # masked
    assert row4[4] == layout.mask_id(first.applicant_id)
    assert (row4[6], row4[12]) == (first.case_type, first.state)
    assert row4[7] == datetime.combine(first.accepted_on, datetime.min.time())  # type: ignore[arg-type]
    open_late = [r for r in range(4, 4 + len(big_ledger.rows)) if big_ledger.rows[r - 4].overdue]
    assert open_late and all(ws.cell(row=r, column=12).value == "已超期" for r in open_late)
    case_numbers = [ws.cell(row=r, column=2).value for r in range(4, 4 + len(big_ledger.rows))]
    assert case_numbers == [r.case_no for r in big_ledger.rows]
    assert ledger.summary(big_ledger) in [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]


def test_archive_list_prints_every_row_and_total() -> None:
    data = demo.archive_list()
    pdf = archive_list.render(data)
    text = pdfcheck.text(pdf)
    for n, row in enumerate(data.rows, 1):
        assert "".join(pdfcheck.squash(c) for c in archive_list.cells(n, row)) in text
    assert pdfcheck.squash(archive_list.summary(data)) in text
    for item in data.items:
        assert item in text
    assert data.handed_by in text and data.received_by in text and data.receiver_unit in text
    assert "2026年第3季度" in text


def test_archive_list_many_rows_repeat_header() -> None:
    base = demo.archive_list()
    rows = [dataclasses.replace(base.rows[i % len(base.rows)], case_no=f"QX0312-20260701-{i:04d}") for i in range(300)]
    pdf = archive_list.render(dataclasses.replace(base, rows=rows))
    pages = [pdfcheck.squash(t) for t in pdfcheck.page_texts(pdf)]
    assert len(pages) >= 5
    for n, page in enumerate(pages, 1):
        assert "案卷题名" in page and f"第{n}页共{len(pages)}页" in page
    assert pdfcheck.words_outside_body(pdf) == []


def test_archive_list_xlsx() -> None:
    data = demo.archive_list()
    ws = openpyxl.load_workbook(io.BytesIO(archive_list.to_xlsx(data))).active
    assert ws is not None
    assert [c.value for c in ws[3]] == list(archive_list.HEADERS)
    assert ws.cell(row=4, column=3).value == data.rows[0].title
    assert ws.cell(row=4 + len(data.rows) - 1, column=2).value == data.rows[-1].case_no
    assert ws.page_setup.orientation == "portrait"
    assert isinstance(data.handed_on, date)
