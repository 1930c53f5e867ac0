"""台账与档案移交清单 dialog: a period chosen, the work off the GUI thread with progress, preview and Excel."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.casework import workflow
from desktop.services.context import ServiceContext
from desktop.services.safety import audit
from desktop.ui import ledger_dialog
from desktop.ui.facade import ServiceLedgerSource
from desktop.ui.ledger_dialog import CUSTOM, LAST_MONTH, THIS_QUARTER, LedgerDialog, period_range

from ..conftest import TODAY, set_clock
from ..services.workflow_helpers import registered

MASKED = "110105********002X"


@pytest.fixture
def cases(ctx: ServiceContext) -> list[str]:
    """Three cases registered on 2026-11-20 (the station's today is 2026-11-23)."""
    set_clock(ctx, date(2026, 11, 20))
    ids = [registered(ctx, applicant_name=name) for name in ("赵一", "钱二", "孙三")]
    set_clock(ctx, TODAY)
    return ids


def open_dialog(qtbot: QtBot, ctx: ServiceContext) -> LedgerDialog:
    dialog = LedgerDialog(ServiceLedgerSource(ctx))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_period_choices() -> None:
    today = date(2026, 11, 23)
    assert period_range(0, today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_range(LAST_MONTH, today) == (date(2026, 10, 1), date(2026, 10, 31))
    assert period_range(LAST_MONTH, date(2026, 1, 5)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert period_range(THIS_QUARTER, today) == (date(2026, 10, 1), date(2026, 12, 31))


def test_this_month_previews_the_ledger_with_progress_and_prints(
    qtbot: QtBot, ctx: ServiceContext, cases: list[str], tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.start_edit.date() == QDate(2026, 11, 1) and dialog.end_edit.date() == QDate(2026, 11, 30)
    assert not dialog.start_edit.isEnabled()
    seen: list[tuple[int, int]] = []
    original = dialog._on_progress

    def spy(done: int, total: int) -> None:
        seen.append((done, total))
        original(done, total)

    dialog._on_progress = spy  # type: ignore[method-assign]
    dialog.preview_button.click()
    assert not dialog.preview_button.isEnabled()  # busy while the worker runs
    qtbot.waitUntil(lambda: dialog.preview_dialog is not None, timeout=15000)
    preview = dialog.preview_dialog
    assert preview is not None
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.page_count > 0, timeout=5000)
    assert preview.windowTitle() == "打印预览 - 代办台账 20261101-20261130"
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum() == len(cases) + 1
    assert seen[-1] == (4, 4)
    assert dialog.preview_button.isEnabled()
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(preview.pdf_bytes)).pages)
    assert "赵一" in text and MASKED in text.replace(" ", "")
    printer = preview.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "台账.pdf"))
    assert preview.print_to(printer) >= 1
    qtbot.waitUntil(lambda: bool(audit.audit_log(ctx)), timeout=5000)
    detail = audit.audit_log(ctx)[0].detail
    assert detail.startswith("打印代办台账“代办台账 2026-11-01至2026-11-30”，含3件办件，打印机：PDF文件 台账.pdf")


def test_custom_period_exports_excel(
    qtbot: QtBot, ctx: ServiceContext, cases: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "台账"
    asked: list[str] = []

    def save_name(parent: Any, caption: str, name: str, filter_: str) -> tuple[str, str]:
        asked.append(name)
        return str(target), filter_

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    dialog = open_dialog(qtbot, ctx)
    dialog.period_combo.setCurrentIndex(CUSTOM)
    assert dialog.start_edit.isEnabled()
    dialog.start_edit.setDate(QDate(2026, 11, 20))
    dialog.end_edit.setDate(QDate(2026, 11, 20))
    with qtbot.waitSignal(dialog.exported, timeout=15000) as blocker:
        dialog.export_button.click()
    written = Path(blocker.args[0])
    assert written == target.with_suffix(".xlsx") and asked == ["代办台账 20261120-20261120.xlsx"]
    assert "已导出" in dialog.status_label.text()
    book = openpyxl.load_workbook(written)
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert {"赵一", "钱二", "孙三"} <= set(cells) and MASKED in cells


def test_reversed_custom_period_is_refused_in_chinese(
    qtbot: QtBot, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: shown.append(text)))
    dialog = open_dialog(qtbot, ctx)
    dialog.period_combo.setCurrentIndex(CUSTOM)
    dialog.start_edit.setDate(QDate(2026, 12, 1))
    dialog.end_edit.setDate(QDate(2026, 11, 1))
    dialog.preview_button.click()
    assert shown == ["开始日期不能晚于结束日期"] and dialog.preview_dialog is None


def test_quarterly_archive_list_preview_and_print(
    qtbot: QtBot, ctx: ServiceContext, cases: list[str], tmp_path: Path
) -> None:
    workflow.withdraw(ctx, cases[0], "申请人不再申请")
    workflow.archive(ctx, cases[0])
    dialog = open_dialog(qtbot, ctx)
    dialog.kind_combo.setCurrentIndex(ledger_dialog.ARCHIVE)
    assert dialog.year_spin.value() == 2026 and dialog.quarter_combo.currentIndex() == 3
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: dialog.preview_dialog is not None, timeout=15000)
    preview = dialog.preview_dialog
    assert preview is not None
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.page_count > 0, timeout=5000)
    assert "档案移交清单" in preview.windowTitle()
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum() == 2
    printer = preview.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "清单.pdf"))
    assert preview.print_to(printer) == 1
    qtbot.waitUntil(lambda: bool(audit.audit_log(ctx)), timeout=5000)
    assert audit.audit_log(ctx)[0].detail == (
        "打印档案移交清单“档案移交清单 2026年第4季度”，含1件办件，打印机：PDF文件 清单.pdf，共1页"
    )


def test_closing_while_the_work_runs_drops_the_result(qtbot: QtBot, ctx: ServiceContext, cases: list[str]) -> None:
    dialog = open_dialog(qtbot, ctx)
    finished: list[bytes] = []
    source = dialog.source

    class Watched(ServiceLedgerSource):
        def ledger_pdf(self, start: date, end: date, progress: ledger_dialog.Progress) -> bytes:
            pdf = source.ledger_pdf(start, end, progress)
            finished.append(pdf)
            return pdf

    dialog.source = Watched(ctx)
    dialog.preview_button.click()
    dialog.reject()
    qtbot.waitUntil(lambda: bool(finished), timeout=15000)
    qtbot.wait(100)
    assert dialog.preview_dialog is None


def test_the_blank_archive_register_previews_saves_without_an_export_record(
    qtbot: QtBot, ctx: ServiceContext, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.kind_combo.setCurrentIndex(ledger_dialog.REGISTER)
    assert dialog.register_year_spin.value() == 2026 and not dialog.export_button.isEnabled()
    assert dialog.title() == "档案查阅（复制）登记表 2026年度"
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: dialog.preview_dialog is not None, timeout=15000)
    preview = dialog.preview_dialog
    assert preview is not None
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.page_count > 0, timeout=5000)
    assert preview.page_count == 1 and not dialog.export_button.isEnabled()
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(preview.pdf_bytes)).pages)
    squashed = "".join(text.split())
    assert "档案查阅（复制）登记表" in squashed and "批准人" in squashed and "城南村代办站" in squashed
    saved = dialog.source.save_archive_register(str(tmp_path / "登记表.pdf"), preview.pdf_bytes)
    assert Path(saved).read_bytes() == preview.pdf_bytes
    assert audit.audit_log(ctx) == []  # a blank form: nothing personal left the app
    dialog.kind_combo.setCurrentIndex(ledger_dialog.LEDGER)
    assert dialog.export_button.isEnabled()
