"""下一步 after registration, through the real widgets: the prints this case needs, the intake handover."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.services.casework.case_detail import case_history
from desktop.services.casework.cases import get_case
from desktop.services.casework.handovers import record_covered_intake
from desktop.services.casework.records import Changed
from desktop.services.context import ServiceContext
from desktop.services.printing.case_forms import handover_data, printable_forms
from desktop.services.printing.support import case_facts
from desktop.services.safety.audit import case_audit_events
from desktop.ui.handover_dialog import HandoverDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.next_steps_dialog import NextStepsDialog
from sync.domain.custody import CLERK, VILLAGER
from sync.domain.errors import DomainError

from ..conftest import promised_item
from ..services.workflow_helpers import registered

TIMEOUT = 5000


def _panel(qtbot: QtBot, window: MainWindow, case_id: str) -> NextStepsDialog:
    panel = window.offer_next_steps(Changed(case_ids=(case_id,)))
    assert panel is not None
    qtbot.waitUntil(lambda: panel.steps is not None, timeout=TIMEOUT)
    return panel


def _keys(panel: NextStepsDialog) -> list[str]:
    assert panel.steps is not None
    return [f.key for f in panel.steps.prints]


def test_a_complete_case_offers_its_entrustment_and_acceptance_but_no_notice(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = registered(ctx)
    panel = _panel(qtbot, window, case_id)
    assert _keys(panel) == ["entrustment", "acceptance"]
    assert all(box.isChecked() for box in panel.print_checks.values())
    assert "一次性告知书" not in " ".join(box.text() for box in panel.print_checks.values())


def test_a_case_with_missing_materials_offers_the_one_time_notice(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    missing = next(m.name for m in promised_item(ctx).materials if m.required)
    case_id = registered(ctx, missing=[missing])
    panel = _panel(qtbot, window, case_id)
    assert _keys(panel) == ["entrustment", "one_time_notice"]  # not accepted yet: no 受理 notice
    assert any("一次性告知书" in box.text() for box in panel.print_checks.values())


def test_the_intake_is_recorded_on_the_entrustment_with_one_click(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = registered(ctx)
    view = get_case(ctx, case_id)
    panel = _panel(qtbot, window, case_id)
    assert panel.steps is not None and panel.steps.intake_covered
    listed = {(i.name, i.original, i.copies) for i in panel.steps.intake}
    assert listed == {(m.name, m.original, m.copies) for m in view.materials if m.present}
    assert "无需再次签名" in panel.handover_hint.text()
    assert panel.handover_button.isDefault()
    qtbot.mouseClick(panel.handover_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已记录" in panel.handover_status.text(), timeout=TIMEOUT)
    assert not panel.handover_button.isVisible() and panel.print_button.isDefault()
    after = get_case(ctx, case_id)
    assert after.intake_covered
    assert {holder for _name, holder in after.custody} == {CLERK}
    sentences = [entry.sentence for entry in case_history(ctx, case_id)]
    assert any("以《代办服务委托书》上双方的签名为凭" in s for s in sentences)


def test_without_an_on_screen_entrustment_the_handover_opens_pre_filled(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = registered(ctx)
    panel = _panel(qtbot, window, case_id)
    assert panel.steps is not None
    panel.show_steps(replace(panel.steps, intake_covered=False))
    assert "双方签名" in panel.handover_button.text()
    qtbot.mouseClick(panel.handover_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.handover_dialog is not None and panel.handover_dialog.isVisible(), timeout=TIMEOUT)
    dialog = panel.handover_dialog
    assert isinstance(dialog, HandoverDialog)
    draft = dialog.draft()
    assert (draft.from_holder, draft.to_holder) == (VILLAGER, CLERK)
    assert {(i.name, i.original, i.copies) for i in draft.items} == {
        (i.name, i.original, i.copies) for i in panel.steps.intake
    }
    assert dialog.from_name.text() == "王秀英" and dialog.to_name.text() == "李代办"
    dialog.reject()


def test_the_ticked_forms_go_to_the_printer_in_one_job(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, tmp_path: Path
) -> None:
    case_id = registered(ctx)
    panel = _panel(qtbot, window, case_id)
    out = tmp_path / "printed.pdf"
    asked: list[str] = []

    def to_file(_parent: QWidget, printer: QPrinter, title: str) -> bool:
        asked.append(title)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    panel.choose_printer = to_file
    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已发送 2 份表单" in panel.print_status.text(), timeout=TIMEOUT)
    assert asked == ["打印 — 2份表单"] and out.stat().st_size > 0
    qtbot.waitUntil(lambda: len(case_audit_events(ctx, case_id)) == 2, timeout=TIMEOUT)  # one record per form


def test_an_assisted_case_has_nothing_to_hand_over(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    case_id = registered(ctx, kind="assist")
    panel = _panel(qtbot, window, case_id)
    assert panel.steps is not None and not panel.steps.intake
    assert "无需材料交接" in panel.items_label.text() and not panel.handover_button.isVisible()
    assert _keys(panel)[0] == "entrustment"


def test_a_covered_intake_prints_no_slip_of_its_own(ctx: ServiceContext) -> None:
    """The 委托书 is the paper of the handover it covers: no 交接单 with blank signature lines."""
    case_id = registered(ctx)
    record_covered_intake(ctx, case_id)
    assert [f.key for f in printable_forms(ctx, case_id)].count("handover") == 0
    (event,) = case_facts(ctx, case_id).of_type("case.handover")
    with pytest.raises(DomainError, match="请打印委托书"):
        handover_data(ctx, case_id, event.id)
