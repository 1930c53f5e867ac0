"""The clerk's session with the villager present, scripted through the real widgets, counting inputs.

What counts as one input (the clerk's hand, not the machine's events):

- one click: a button, a checkbox, a toolbar action, the 打印 of the print dialog;
- one key sequence typed into one field, getting there included (a Tab or a click into the field,
  then the keys; an input method's commit is part of it);
- one key pressed on its own (Enter to take the highlighted matter);
- one stroke set: a whole signature drawn on the pad.

The path (``SESSION_PATH``) registers a 代办 case of 高龄津贴申请 with its 5 materials all brought,
both sign the 委托书, the materials are handed over, the villager's forms are printed. ``walk`` returns
the steps in order; ``shot(name)`` is called after each step that changes the screen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from desktop.ui.demo.signature import draw_demo
from desktop.ui.main_window import MainWindow
from desktop.ui.new_case_dialog import NewCaseDialog
from desktop.ui.next_steps_dialog import NextStepsDialog

from .keyboard import type_text

TIMEOUT = 10000
ITEM_QUERY = "gljt"  # 高龄津贴 by its pinyin initials
ITEM = "MZ004"


@dataclass
class Inputs:
    """Performs the clerk's inputs and keeps one line per input."""

    qtbot: QtBot
    shots_hook: Callable[[str], None]
    steps: list[str] = field(default_factory=list)

    def click(self, widget: QWidget, what: str) -> None:
        self.steps.append(f"点击 {what}")
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def type(self, widget: QWidget, text: str, what: str) -> None:
        self.steps.append(f"输入 {what}")
        type_text(self.qtbot, widget, text)

    def key(self, widget: QWidget, key: Qt.Key, what: str) -> None:
        self.steps.append(f"按键 {what}")
        self.qtbot.keyClick(widget, key)

    def sign(self, owner: QDialog, button: QWidget, who: str) -> None:
        """Click the signature button, draw the signature, confirm: three inputs."""
        before = owner.signature_dialog  # type: ignore[attr-defined]
        self.click(button, f"{who}签名")
        self.qtbot.waitUntil(
            lambda: owner.signature_dialog is not before and owner.signature_dialog.isVisible(),  # type: ignore[attr-defined]
            timeout=TIMEOUT,
        )
        pad = owner.signature_dialog  # type: ignore[attr-defined]
        self.steps.append(f"签名 {who}（一笔一划写完姓名）")
        draw_demo(pad.pad)
        self.shots_hook(f"signature_{'villager' if who == '委托人' else 'clerk'}")
        self.click(pad.confirm_button, f"确认{who}签名")

    @property
    def count(self) -> int:
        return len(self.steps)


def screen_shot(directory: Path | None) -> Callable[[str], None]:
    """Save what the clerk sees: the whole screen under Xvfb, else the active window."""
    n = [0]

    def shot(name: str) -> None:
        if directory is None:
            return
        for _ in range(10):
            QApplication.processEvents()
        n[0] += 1
        path = directory / f"session_{n[0]:02d}_{name}.png"
        screen = QGuiApplication.primaryScreen()
        if QGuiApplication.platformName() == "xcb" and screen is not None:
            screen.grabWindow(0).save(str(path))
            return
        widget = QApplication.activeModalWidget() or QApplication.activeWindow()
        if widget is not None:
            widget.grab().save(str(path))

    return shot


def walk(qtbot: QtBot, window: MainWindow, printed_to: Path, shot: Callable[[str], None]) -> Inputs:
    """The whole session; returns the inputs made (``printed_to`` receives what was printed)."""
    inputs = Inputs(qtbot, shot)
    window.resize(1366, 740)
    window.move(0, 0)
    shot("home")

    toolbar_button = window.toolbar.widgetForAction(window.new_action)
    assert toolbar_button is not None
    inputs.click(toolbar_button, "新建委托")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), NewCaseDialog), timeout=TIMEOUT)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, NewCaseDialog)
    qtbot.waitUntil(lambda: dialog.items_loaded, timeout=TIMEOUT)
    shot("new_case")

    line = dialog.item_combo.lineEdit()
    inputs.type(line, ITEM_QUERY, "办理事项（拼音首字母 gljt）")
    popup = dialog.item_combo.finder.popup()
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT)
    shot("matter_found")
    inputs.key(popup, Qt.Key.Key_Return, "回车选定 高龄津贴申请")
    assert dialog.item_combo.currentData() == ITEM
    inputs.type(dialog.name_edit, "王秀英", "委托人姓名")
    inputs.type(dialog.id_edit, "11010519491231002X", "身份证号码")
    inputs.type(dialog.phone_edit, "13800138000", "联系电话")
    inputs.type(dialog.address_edit, "城南村三组12号", "住址")
    all_button = next(b for b in dialog.findChildren(type(dialog.save_button)) if b.text() == "全部已提交")
    inputs.click(all_button, "全部已提交")
    assert dialog.materials.rowCount() == 5
    shot("filled")

    inputs.sign(dialog, dialog.sign_buttons["applicant"], "委托人")
    inputs.sign(dialog, dialog.sign_buttons["clerk"], "代办员")
    shot("signed")
    inputs.click(dialog.save_button, "保存并登记")

    qtbot.waitUntil(
        lambda: window.next_steps_dialog is not None and window.next_steps_dialog.steps is not None, timeout=TIMEOUT
    )
    panel = window.next_steps_dialog
    assert isinstance(panel, NextStepsDialog) and panel.steps is not None
    shot("next_steps")

    inputs.click(panel.handover_button, "确认交接（以委托书签名为凭）")
    qtbot.waitUntil(lambda: "已记录" in panel.handover_status.text(), timeout=TIMEOUT)
    shot("handed_over")

    def print_dialog(_parent: QWidget, printer: QPrinter, _title: str) -> bool:
        inputs.steps.append("点击 打印对话框的“打印”")
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed_to))
        return True

    panel.choose_printer = print_dialog
    inputs.click(panel.print_button, "打印所选表单…")
    qtbot.waitUntil(lambda: "已发送" in panel.print_status.text(), timeout=TIMEOUT)
    shot("printed")
    inputs.click(panel.done_button, "完成")
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=TIMEOUT)
    shot("done")
    return inputs


def report(inputs: Inputs) -> None:
    """Write the count and the path where the benchmark asked for them (``SESSION_RESULT``)."""
    target = os.environ.get("SESSION_RESULT")
    if target:
        Path(target).write_text(
            json.dumps({"inputs": inputs.count, "path": inputs.steps}, ensure_ascii=False), encoding="utf-8"
        )
