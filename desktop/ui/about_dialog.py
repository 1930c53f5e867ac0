"""帮助 → 关于代办通: version, protocol, station, data folder, schema, 保存期限, font licenses; 复制 for support."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.about import AboutInfo

from .errors import user_message
from .tasks import run_task


class AboutDialog(QDialog):
    """Read on a worker through ``load``; the lines are filled in when it answers."""

    def __init__(self, load: Callable[[], AboutInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("关于代办通")
        self.resize(620, 560)
        self.info: AboutInfo | None = None
        self.values: dict[str, QLabel] = {}
        self.form = QFormLayout()
        for label in ("程序", "版本", "同步协议版本", "代办站", "数据文件夹", "数据库结构版本", "保存期限"):
            value = QLabel("正在读取…")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[label] = value
            self.form.addRow(label, value)
        self.licenses = QPlainTextEdit()
        self.licenses.setReadOnly(True)
        self.status_label = QLabel("")
        self.copy_button = QPushButton("复制")
        self.copy_button.setToolTip("复制以上信息，发给技术支持人员")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy)
        close_button = QPushButton("关闭")
        close_button.setDefault(True)
        close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(QLabel("表单内嵌字体及其许可证"))
        layout.addWidget(self.licenses, 1)
        layout.addLayout(buttons)
        run_task(load, self.show_info, self._failed)

    @property
    def version_text(self) -> str:
        return self.values["版本"].text()

    def show_info(self, info: AboutInfo) -> None:
        self.info = info
        for label, value in info.rows():
            self.values[label].setText(value)
        self.licenses.setPlainText(info.font_licenses)
        self.copy_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.status_label.setText(f"未能读取全部信息：{user_message(exc)}")

    def copy(self) -> None:
        if self.info is None:
            return
        QApplication.clipboard().setText(self.info.support_text())
        self.status_label.setText("已复制，可粘贴发给技术支持人员")
