"""导出到U盘 / 从U盘导入: the file transfer for weeks without a link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.services.records import Changed

from .errors import show_error
from .tasks import run_task

FILTER = "代办通传输文件 (*.dbt)"


def export_to_usb(
    parent: QWidget, export: Callable[[Path], Changed], on_done: Callable[[Changed], None], today: date
) -> None:
    """Ask where to write (e.g. the USB stick; the file named after the station's ``today``), then export
    off the GUI thread."""
    suggested = f"代办站数据-{today:%Y%m%d}.dbt"
    path, _ = QFileDialog.getSaveFileName(parent, "导出到U盘", suggested, FILTER)
    if not path:
        return
    run_task(
        lambda: export(Path(path)), lambda changed: _done(parent, changed, on_done), lambda e: show_error(parent, e)
    )


def import_from_usb(parent: QWidget, load: Callable[[Path], Changed], on_done: Callable[[Changed], None]) -> None:
    """Ask for the file the town center exported for this station, then apply it off the GUI thread."""
    path, _ = QFileDialog.getOpenFileName(parent, "从U盘导入镇中心的处理结果", "", FILTER)
    if not path:
        return
    run_task(lambda: load(Path(path)), lambda changed: _done(parent, changed, on_done), lambda e: show_error(parent, e))


def _done(parent: QWidget, changed: Changed, on_done: Callable[[Changed], None]) -> None:
    on_done(changed)
    QMessageBox.information(parent, "U盘传输", changed.message)
