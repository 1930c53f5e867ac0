"""Driving the case page in tests: open a case, click its actions, sign on the pad."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.ui.case_detail_window import CaseDetailWindow
from desktop.ui.demo.signature import draw_demo
from desktop.ui.main_window import MainWindow

TIMEOUT = 5000


def open_case(qtbot: QtBot, window: MainWindow, case_id: str) -> CaseDetailWindow:
    page = window.open_case(case_id)
    qtbot.waitUntil(lambda: page.detail is not None, timeout=TIMEOUT)
    return page


def state_of(page: CaseDetailWindow) -> str:
    assert page.detail is not None
    return page.detail.summary.state_label


def wait_state(qtbot: QtBot, page: CaseDetailWindow, label: str) -> None:
    qtbot.waitUntil(lambda: page.detail is not None and state_of(page) == label, timeout=TIMEOUT)


def offered(page: CaseDetailWindow) -> set[str]:
    return {b.text() for b in page.action_buttons.values()}


def click_action(qtbot: QtBot, page: CaseDetailWindow, name: str) -> QDialog | None:
    """Click the page's button for ``name``; returns the dialog it opened, if any."""
    qtbot.waitUntil(lambda: name in page.action_buttons, timeout=TIMEOUT)
    before = page.case_actions.dialog
    qtbot.mouseClick(page.action_buttons[name], Qt.MouseButton.LeftButton)
    dialog = page.case_actions.dialog
    return dialog if dialog is not before else None


def sign_with_pad(qtbot: QtBot, owner: QDialog, start: Callable[[], None]) -> None:
    """Start a signature on ``owner`` (a handover or feedback dialog), draw a name on the pad, confirm."""
    before = owner.signature_dialog  # type: ignore[attr-defined]
    start()
    qtbot.waitUntil(
        lambda: owner.signature_dialog is not before and owner.signature_dialog.isVisible(),  # type: ignore[attr-defined]
        timeout=TIMEOUT,
    )
    pad_dialog = owner.signature_dialog  # type: ignore[attr-defined]
    draw_demo(pad_dialog.pad)
    qtbot.mouseClick(pad_dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert not pad_dialog.isVisible()


def save(qtbot: QtBot, dialog: QDialog, button_attr: str = "ok_button") -> None:
    button = getattr(dialog, button_attr)
    qtbot.waitUntil(button.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_closed(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)


def wait_error(qtbot: QtBot, label_owner: QDialog, text: str) -> None:
    label = label_owner.error_label  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: text in label.text() and label.isVisible(), timeout=TIMEOUT)
