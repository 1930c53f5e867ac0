"""The one place errors are shown to the clerk: in Chinese, never a traceback."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from sync.domain.errors import DomainError

log = logging.getLogger(__name__)

UNEXPECTED = "程序遇到意外错误，刚才的操作没有完成，已保存的数据不受影响。请把错误信息告诉技术支持人员。"


def user_message(exc: BaseException) -> str:
    """The Chinese text for any error; domain and sync errors carry their own."""
    message = getattr(exc, "message", None)
    if isinstance(exc, DomainError) or isinstance(message, str):
        return str(message)
    if isinstance(exc, OSError):
        return f"读写文件失败：{exc.strerror or exc}"
    return UNEXPECTED


def show_error(parent: QWidget | None, exc: BaseException, title: str = "操作未完成") -> None:
    """Show ``exc`` to the user; unexpected ones are logged with their traceback."""
    text = user_message(exc)
    if text == UNEXPECTED:
        log.error("unexpected error: %s", "".join(traceback.format_exception(exc)))
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
        copy = box.addButton("复制错误信息", QMessageBox.ButtonRole.ActionRole)
        box.exec()
        if box.clickedButton() is copy:
            QApplication.clipboard().setText("".join(traceback.format_exception(exc)))
        return
    QMessageBox.warning(parent, title, text)
