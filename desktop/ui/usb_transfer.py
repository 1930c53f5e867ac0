"""导出到U盘 / 从U盘导入: the file transfer for weeks without a link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.services.casework.records import Changed

from .errors import show_error
from .ops import Hub, WriteOp
from .unlock_dialog import Unlock, ask_password_then

FILTER = "代办通传输文件 (*.dbt)"


def export_to_usb(
    parent: QWidget,
    export: Callable[[Path], Changed],
    hub: Hub,
    today: date,
    unlock: Unlock | None = None,
) -> None:
    """Ask where to write (e.g. the USB stick; the file named after the station's ``today``), then export
    off the GUI thread (asking the clerk's password first if the credential that signs it is locked)."""
    suggested = f"代办站数据-{today:%Y%m%d}.dbt"
    path, _ = QFileDialog.getSaveFileName(parent, "导出到U盘", suggested, FILTER)
    if path:
        _run(parent, lambda: export(Path(path)), hub, unlock, "导出的文件要用本站的同步凭证签名。")


def import_from_usb(parent: QWidget, load: Callable[[Path], Changed], hub: Hub, unlock: Unlock | None = None) -> None:
    """Ask for the file the town center exported for this station, then apply it off the GUI thread."""
    path, _ = QFileDialog.getOpenFileName(parent, "从U盘导入镇中心的处理结果", "", FILTER)
    if path:
        _run(parent, lambda: load(Path(path)), hub, unlock, "导入前要用本站的同步凭证核对文件的签名。")


def _run(parent: QWidget, op: Callable[[], Changed], hub: Hub, unlock: Unlock | None, why: str) -> None:
    def failed(exc: BaseException) -> None:
        if ask_password_then(parent, exc, unlock, again, why) is None:
            show_error(parent, exc)

    def again() -> None:
        transfer = WriteOp(parent, hub, op).with_progress("正在处理传输文件……")
        transfer.success(lambda changed: _done(parent, changed)).failure(failed).run_in_background()

    again()


def _done(parent: QWidget, changed: Changed) -> None:
    QMessageBox.information(parent, "U盘传输", changed.message)
