"""首次设置: the first run records the station and its first clerk."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.services.casework.records import StationInfo
from sync.domain.errors import DomainError

from .errors import show_error, user_message
from .rare_char_dialog import attach_to


class SetupDialog(QDialog):
    def __init__(self, setup: Callable[..., StationInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("首次设置：代办站信息")
        self._setup = setup
        self.station: StationInfo | None = None
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("镇中心分配的编码，如 CN01")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如 城南村政务服务代办站")
        self.village_edit = QLineEdit()
        self.town_edit = QLineEdit()
        self.clerk_edit = QLineEdit()
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("代办站编码", self.code_edit)
        form.addRow("代办站名称", self.name_edit)
        form.addRow("村（居）", attach_to(self.village_edit))
        form.addRow("所属镇（街道）", attach_to(self.town_edit))
        form.addRow("代办员姓名", attach_to(self.clerk_edit))
        buttons = QDialogButtonBox()
        buttons.addButton("完成设置", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("欢迎使用代办通。请填写本代办站的基本信息，这些信息将打印在各类表单上。"))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def submit(self) -> None:
        # A single small settings row on first run, before any window exists: done inline.
        try:
            self.station = self._setup(
                code=self.code_edit.text(),
                name=self.name_edit.text(),
                village=self.village_edit.text(),
                town=self.town_edit.text(),
                clerk=self.clerk_edit.text(),
            )
        except DomainError as exc:
            self.error_label.setText(user_message(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged with traceback
            show_error(self, exc)
            return
        self.accept()
