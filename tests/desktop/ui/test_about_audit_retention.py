"""帮助 → 关于代办通, 查看审计记录 after an export, and the 保存期限 run with its 超期未归档 list on the home page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

import sync
from desktop.services.casework import workflow
from desktop.services.casework.cases import get_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.casework.handovers import record_handover
from desktop.services.context import ServiceContext
from desktop.store.db import head_revision
from desktop.ui.application import schedule_retention
from desktop.ui.facade import ServiceLedgerSource
from desktop.ui.ledger_dialog import LedgerDialog
from desktop.ui.main_window import MainWindow
from sync.domain.case_rules import CaseState
from sync.protocol import PROTOCOL_VERSION

from ..services.workflow_helpers import center, feedback, handover, registered


def test_about_box_shows_the_version_and_copies_it(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    (help_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "帮助"]
    assert window.about_action in help_menu.actions() and window.about_action.text() == "关于代办通"
    window.about_action.trigger()
    dialog = window.about_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.version_text == sync.__version__, timeout=10000)
    assert dialog.windowTitle() == "关于代办通"
    assert dialog.values["同步协议版本"].text() == PROTOCOL_VERSION
    assert dialog.values["代办站"].text() == "城南村代办站（CS01）"
    assert dialog.values["数据文件夹"].text() == str(ctx.db.data_dir)
    assert dialog.values["数据库结构版本"].text().startswith(head_revision())
    assert "办结后 90 天" in dialog.values["保存期限"].text()
    assert "Arphic" in dialog.licenses.toPlainText() and "Apache" in dialog.licenses.toPlainText()
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert f"版本：{sync.__version__}" in copied and "CS01" in copied and "已复制" in dialog.status_label.text()


def test_an_excel_export_is_listed_under_audit_records(
    qtbot: QtBot, ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(ctx, applicant_name="赵一")
    target = tmp_path / "台账.xlsx"

    def save_name(parent: Any, caption: str, name: str, filter_: str) -> tuple[str, str]:
        return str(target), filter_

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    dialog = LedgerDialog(ServiceLedgerSource(ctx))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.exported, timeout=15000):
        dialog.export_button.click()
    assert target.exists()
    audit = dialog.show_audit_log()
    qtbot.addWidget(audit)
    qtbot.waitUntil(lambda: audit.table.rowCount() == 1, timeout=10000)
    cells = [audit.table.item(0, c).text() for c in range(audit.table.columnCount())]
    assert cells[1] == "李代办" and cells[2] == "导出个人信息"
    assert "导出代办台账（Excel）" in cells[4] and "台账.xlsx" in cells[4] and "含1件办件" in cells[4]
    assert "赵一" not in "".join(cells)


def test_retention_runs_off_the_gui_thread_and_the_home_page_lists_what_it_could_not_archive(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, on_day: Callable[[date], None]
) -> None:
    on_day(date(2026, 6, 1))
    expired = registered(ctx)
    workflow.withdraw(ctx, expired, "申请人不再办理")
    blocked = registered(ctx)
    record_handover(ctx, blocked, handover(ctx, blocked, "villager", "clerk"))
    workflow.deliver(ctx, blocked)
    center(ctx, "case.center_accept", {"case_id": blocked})
    center(ctx, "case.center_complete", {"case_id": blocked, "result": "办结"})
    give_feedback(ctx, blocked, feedback(ctx, blocked, 5))
    on_day(date(2026, 11, 23))

    with qtbot.waitSignal(window.facade.changed, timeout=15000) as changed:
        schedule_retention(window)
    assert "自动归档 1 件" in changed.args[0].message
    assert get_case(ctx, expired).state is CaseState.ARCHIVED
    card = window.home.cards["retention_overdue"]
    qtbot.waitUntil(lambda: card.case_ids() == [blocked], timeout=10000)
    assert card.title_label.text() == "超期未归档" and card.count_label.text() == "1"
