"""Issue 13: the 代办台账 Excel export keeps every corpus name exactly, the 身份证 still masked."""

from __future__ import annotations

import io

import openpyxl

from desktop.services.context import ServiceContext
from desktop.services.printing.ledger import ledger_xlsx
from tests.domain.names_corpus import NAMES

from ..conftest import TODAY
from .workflow_helpers import registered

FULL_ID = "11010519491231002X"
MASKED = "110105********002X"


def test_ledger_excel_keeps_every_corpus_name_exactly(ctx: ServiceContext) -> None:
    for name in NAMES.values():
        registered(ctx, applicant_name=name)
    book = openpyxl.load_workbook(io.BytesIO(ledger_xlsx(ctx, TODAY, TODAY)))
    rows = [row for row in book.active.iter_rows(values_only=True) if MASKED in row]
    assert sorted(row[2] for row in rows) == sorted(NAMES.values())  # 姓名 column, code point for code point
    cells = {c for row in book.active.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert not any(FULL_ID in c for c in cells)
