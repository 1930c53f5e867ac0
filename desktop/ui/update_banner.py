"""新版本可用: a strip above the tabs when the town center published a newer station release.

It reads the offer (``desktop.services.syncing.updates``) off the GUI thread, at start and after each sync;
its button opens ``UpdateDialog`` (version, notes, what happens when), whose 下次启动时安装 asks for the
install at the next start (``update_install``: only with nothing unsent, after a backup, rolled back when
the new version fails its self-test).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import Changed
from desktop.services.syncing import updates
from sync.domain.releases import size_text

from .ops import Hub, ReadOp, WriteOp

HOW = (
    "点“下次启动时安装”后，请关闭代办通再重新打开：启动时先把未上传的记录同步到镇中心，"
    "再自动备份本站数据，然后安装新版本。新版本自检未通过时自动恢复原版本，数据不受影响。"
)


class UpdateServices(Hub, Protocol):
    """What the banner needs (the facade has it): the offer and the install request, run on a worker
    thread, and the ``changed`` signal it refreshes on after a sync."""

    def update_offer(self) -> updates.UpdateOffer | None: ...
    def request_update_install(self) -> str: ...


class UpdateDialog(QDialog):
    def __init__(self, offer: updates.UpdateOffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"新版本 {offer.version}")
        self.resize(520, 380)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>新版本可用：{offer.version}</b>（安装文件 {size_text(offer.size)}，镇中心已签名并校验）")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(QLabel("更新说明："))
        self.notes = QPlainTextEdit(offer.notes or "（镇中心未填写说明）")
        self.notes.setReadOnly(True)
        layout.addWidget(self.notes)
        how = QLabel(HOW)
        how.setWordWrap(True)
        layout.addWidget(how)
        buttons = QDialogButtonBox()
        self.install_button = buttons.addButton("下次启动时安装", QDialogButtonBox.ButtonRole.AcceptRole)
        self.later_button = buttons.addButton("以后再说", QDialogButtonBox.ButtonRole.RejectRole)
        self.install_button.setEnabled(offer.downloaded and not offer.install_requested)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class UpdateBanner(QFrame):
    """Hidden unless a newer release is offered; refreshed after every sync."""

    def __init__(self, facade: UpdateServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facade = facade
        self.offer: updates.UpdateOffer | None = None
        self.dialog: UpdateDialog | None = None
        self.setObjectName("updateBanner")  # its colours: resources/style.qss
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton("查看并安装…")
        self.button.clicked.connect(self.open_dialog)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.setVisible(False)
        facade.changed.connect(self._on_changed)

    def refresh(self) -> None:
        ReadOp(self, "update", self.facade.update_offer, self.show_offer).run_in_background()

    def _on_changed(self, changed: Changed) -> None:
        if changed.sync:
            self.refresh()

    def show_offer(self, offer: updates.UpdateOffer | None) -> None:
        self.offer = offer
        self.setVisible(offer is not None)
        if offer is None:
            return
        first_line = (offer.notes.splitlines() or [""])[0]
        self.label.setText(offer.banner + (f"：{first_line[:60]}" if first_line else ""))
        self.button.setText("查看" if offer.install_requested else "查看并安装…")
        self.button.setEnabled(True)

    def open_dialog(self) -> UpdateDialog | None:
        if self.offer is None:
            return None
        self.dialog = UpdateDialog(self.offer, self)
        self.dialog.accepted.connect(self._request_install)
        self.dialog.open()
        return self.dialog

    def _request_install(self) -> None:
        WriteOp(self, self.facade, self.facade.request_update_install).success(self._asked).run_in_background()

    def _asked(self, message: str) -> None:
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(message, 30000)
        self.refresh()
