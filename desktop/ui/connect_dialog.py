"""连接镇中心: enroll this station with the town center's one-time code."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import Changed
from desktop.services.syncing.center_address import CenterAddress
from sync.client.address import ALLOW_HTTP_LABEL

from .errors import user_message
from .ops import Hub, WriteOp
from .tasks import run_task

#: Shown while the box is ticked: what plain http means, in the clerk's words.
UNENCRYPTED_NOTICE = (
    "⚠ 与镇中心的连接未加密：登记码、同步凭证和群众的个人信息将以明文在网络上传输。"
    "仅在镇内局域网、镇中心没有 https 地址时使用。"
)
#: Shown when the address is the one this station connected to before.
REMEMBERED_NOTE = (
    "本站已连接过这个镇中心，地址已填好。只有更换镇中心或镇中心停用了本站的凭证时才需要新的登记码；"
    "同步凭证被锁定时，请点“立即同步”并输入代办员密码。"
)
#: ``connect(url, code, allow_http)``
Connect = Callable[[str, str, bool], Changed]


class ConnectDialog(QDialog):
    connected = Signal(object)  # Changed

    def __init__(
        self,
        connect: Connect,
        parent: QWidget | None = None,
        remembered: Callable[[], CenterAddress | None] | None = None,
        *,
        hub: Hub | None = None,
    ) -> None:
        """``remembered`` (run off the GUI thread) gives the address connected to before, to fill in."""
        super().__init__(parent)
        self.hub = hub  # told what connecting changed (``WriteOp``)
        self.setWindowTitle("连接镇中心")
        self.setMinimumWidth(560)  # room for the address and the warning on a 1366×768 screen
        self._connect = connect
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("如 https://zhongxin.example.gov.cn")
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("镇为民服务中心提供的一次性登记码")
        self.allow_http_box = QCheckBox(ALLOW_HTTP_LABEL)
        self.http_warning = QLabel(UNENCRYPTED_NOTICE)
        self.http_warning.setWordWrap(True)
        self.http_warning.setStyleSheet("color: #b45309;")
        self.http_warning.setVisible(False)
        self.allow_http_box.toggled.connect(self._on_allow_http_toggled)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("服务器地址", self.url_edit)
        form.addRow("", self.allow_http_box)
        form.addRow("登记码", self.code_edit)
        self.remembered_label = QLabel(REMEMBERED_NOTE)
        self.remembered_label.setWordWrap(True)
        self.remembered_label.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("连接", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "登记码只能使用一次。连接后，同步凭证保存在本机系统凭据库中；"
            "本机没有系统凭据库时，用代办员的登录密码加密保存在本机。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.remembered_label)
        layout.addLayout(form)
        layout.addWidget(self.http_warning)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        if remembered is not None:
            run_task(remembered, self._fill_remembered, lambda _exc: None)  # a blank form is still usable

    def _fill_remembered(self, address: CenterAddress | None) -> None:
        if address is None or self.url_edit.text():
            return  # never over what the clerk already typed
        self.url_edit.setText(address.url)
        self.allow_http_box.setChecked(address.allow_http)
        self.remembered_label.setVisible(True)
        self.code_edit.setFocus()

    def _on_allow_http_toggled(self, allowed: bool) -> None:
        self.http_warning.setVisible(allowed)
        self.error_label.clear()  # a refusal of the address before the box was ticked no longer applies
        self.adjustSize()

    def submit(self) -> None:
        url, code = self.url_edit.text(), self.code_edit.text()
        allow_http = self.allow_http_box.isChecked()
        self.error_label.clear()
        self.ok_button.setEnabled(False)
        self.ok_button.setText("正在连接…")
        connect = WriteOp(self, self.hub, lambda: self._connect(url, code, allow_http))
        connect.success(self._on_connected).failure(self._on_failed).run_in_background()

    def _on_connected(self, changed: Changed) -> None:
        self.connected.emit(changed)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.ok_button.setText("连接")
        self.error_label.setText(user_message(exc))
