"""签名对话框: "请 {name} 签名" on the pad, or a photo of a paper signature.

Its screenshot (with a drawn name, ``demo.signature``) is taken by ``desktop.ui.demo.screenshots``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import SignatureInput
from sync.domain.clock import SYSTEM_CLOCK, Clock
from sync.domain.errors import DomainError, ValidationError
from sync.domain.signature import APPLICANT, Signature

from .action_form import reserve_height
from .errors import user_message
from .signature_pad import SignaturePad
from .tasks import run_task

MAX_SCAN_BYTES = 15 * 1024 * 1024
IMAGE_FILTER = "图片文件 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff);;所有文件 (*)"


@dataclass(frozen=True)
class ScanImage:
    """A photo of a paper signature as read from disk; ``data`` is kept as an attachment."""

    name: str
    data: bytes
    image: QImage


@dataclass(frozen=True)
class CapturedSignature:
    """A confirmed signature and, for a photo of a paper signature, the image its ``image_sha256`` names."""

    signature: Signature
    scan_bytes: bytes | None = None

    @property
    def is_scan(self) -> bool:
        return self.scan_bytes is not None

    def signature_input(self, content_sha256: str) -> SignatureInput:
        """What the service records for the content signed (the ink kept, a scan's image stored with it)."""
        s = self.signature
        return SignatureInput(s.signer, s.role, s.digest(), content_sha256, s.to_dict(), self.scan_bytes)


def read_scan(path: str) -> ScanImage:
    """Read and decode an image file (runs off the GUI thread: touches no widget)."""
    file = Path(path)
    if file.stat().st_size > MAX_SCAN_BYTES:
        raise DomainError("照片文件过大（超过 15 MB），请换一张或先缩小后再导入")
    data = file.read_bytes()
    image = QImage.fromData(data)
    if image.isNull():
        raise DomainError("无法识别这个文件，请选择 JPG 或 PNG 格式的签名照片")
    return ScanImage(file.name, data, image)


class SignatureDialog(QDialog):
    """Collects one signature. After ``accept``, ``result_signature`` holds it and, for a scan,
    ``scan_bytes`` the image (its SHA-256 is in the signature); ``captured`` holds both, for the
    save that stores the image with the signed event (``CapturedSignature.signature_input``)."""

    signature_confirmed = Signal(object)  # Signature
    captured_confirmed = Signal(object)  # CapturedSignature

    def __init__(
        self,
        signer: str,
        role: str = APPLICANT,
        parent: QWidget | None = None,
        clock: Callable[[], int] | None = None,
        *,
        wall_clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        """``clock`` times the pad's strokes in milliseconds; ``wall_clock`` (the station's) stamps the signature."""
        super().__init__(parent)
        self.wall_clock = wall_clock
        self.signer = signer
        self.role = role
        self.result_signature: Signature | None = None
        self.scan_bytes: bytes | None = None
        self.captured: CapturedSignature | None = None
        self._scan: ScanImage | None = None
        self.setWindowTitle(f"签名 — {signer}")
        self.setMinimumSize(640, 380)

        title = QLabel(f"请 {signer} 签名")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        guide = QLabel(f"签名人身份：{role}。请用鼠标、手写笔或手指在下方框内写下姓名，写错可撤销或清除。")
        guide.setWordWrap(True)
        guide.setStyleSheet("color: #4b5563;")

        self.pad = SignaturePad(clock=clock)
        self.pad.signature_changed.connect(self._on_signature_changed)
        self.scan_preview = QLabel()
        self.scan_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scan_preview.setStyleSheet("background: #fffefa; border: 1px solid #c9ced6; border-radius: 6px;")
        self.scan_preview.setMinimumSize(self.pad.minimumSize())
        self.stack = QStackedWidget()
        self.stack.addWidget(self.pad)
        self.stack.addWidget(self.scan_preview)

        self.scan_label = QLabel()
        self.scan_label.setWordWrap(True)
        self.scan_label.hide()
        self.message_label = QLabel()
        self.message_label.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.message_label.setAccessibleName("签名提示")
        self.message_label.setWordWrap(True)
        reserve_height(self.message_label)  # the pad does not shrink or move under the pen when it shows
        self.message_label.hide()

        self.import_button = QPushButton("导入纸质签名照片…")
        self.undo_button = QPushButton("撤销一笔")
        self.clear_button = QPushButton("清除")
        self.cancel_button = QPushButton("取消")
        self.confirm_button = QPushButton("确认签名")
        for button in (
            self.import_button,
            self.undo_button,
            self.clear_button,
            self.cancel_button,
            self.confirm_button,
        ):
            button.setAutoDefault(False)  # Enter must not sign by accident
            button.setMinimumHeight(34)
        self.import_button.clicked.connect(self.import_scan)
        self.undo_button.clicked.connect(self.pad.undo_stroke)
        self.clear_button.clicked.connect(self.clear)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self.confirm)

        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addStretch()
        row.addWidget(self.undo_button)
        row.addWidget(self.clear_button)
        row.addSpacing(24)
        row.addWidget(self.cancel_button)
        row.addWidget(self.confirm_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(guide)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.scan_label)
        layout.addWidget(self.message_label)
        layout.addLayout(row)
        self._update_buttons()

    # actions

    def confirm(self) -> None:
        """Keep the signature and close, or say on the dialog why it cannot be kept."""
        try:
            if self._scan is not None:
                signature = Signature.from_scan(
                    self.signer, self.role, self._scan.data, captured_at=self.wall_clock.stamp()
                )
            else:
                signature = self.pad.signature(self.signer, self.role, self.wall_clock.stamp())
        except ValidationError as exc:
            self._show_message(exc.message)
            return
        self.result_signature = signature
        self.scan_bytes = self._scan.data if self._scan is not None else None
        self.captured = CapturedSignature(signature, self.scan_bytes)
        self.signature_confirmed.emit(signature)
        self.captured_confirmed.emit(self.captured)
        self.accept()

    def clear(self) -> None:
        """Wipe the pad; with a scan imported, drop it and go back to the pad."""
        self._scan = None
        self.scan_preview.clear()
        self.scan_label.hide()
        self.stack.setCurrentWidget(self.pad)
        self.pad.clear()
        self._show_message("")
        self._update_buttons()

    def import_scan(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择纸质签名照片", "", IMAGE_FILTER)
        if path:
            self.load_scan(path)

    def load_scan(self, path: str) -> None:
        """Read ``path`` in the background and show it as the signature to confirm."""
        self.import_button.setEnabled(False)
        self._show_message("")
        run_task(lambda: read_scan(path), self._on_scan_loaded, self._on_scan_failed)

    # callbacks

    def _on_scan_loaded(self, scan: ScanImage) -> None:
        self._scan = scan
        self.stack.setCurrentWidget(self.scan_preview)
        self._show_scan_preview()
        size_kb = max(1, round(len(scan.data) / 1024))
        self.scan_label.setText(f"已导入纸质签名照片：{scan.name}（{size_kb} KB）。如需改为在屏幕上签名，请点“清除”。")
        self.scan_label.show()
        self.import_button.setEnabled(True)
        self._update_buttons()

    def _on_scan_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        self._show_message(user_message(exc))

    def _on_signature_changed(self) -> None:
        if not self.pad.is_empty():
            self._show_message("")
        self._update_buttons()

    # helpers

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _update_buttons(self) -> None:
        has_ink = not self.pad.is_empty()
        self.undo_button.setEnabled(has_ink and self._scan is None)
        self.clear_button.setEnabled(has_ink or self._scan is not None)

    def _show_scan_preview(self) -> None:
        if self._scan is None:
            return
        size = self.scan_preview.size().shrunkBy(self.scan_preview.contentsMargins()) * 0.96
        pixmap = QPixmap.fromImage(self._scan.image)
        self.scan_preview.setPixmap(
            pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_scan_preview()


def ask_applicant_signature(
    parent: QWidget, signer: str, title: str, wall_clock: Clock, on_captured: Callable[[CapturedSignature], None]
) -> SignatureDialog:
    """Open the villager's signature dialog over what was just prepared; ``on_captured`` gets his signature."""
    dialog = SignatureDialog(signer, APPLICANT, parent, wall_clock=wall_clock)
    dialog.setWindowTitle(title)
    dialog.captured_confirmed.connect(on_captured)
    dialog.open()
    return dialog


def show_signed(label: QLabel, captured: CapturedSignature) -> None:
    """The form's signature row after he signed: who, and whether it is a photo of a paper signature."""
    how = "（纸质签名照片）" if captured.is_scan else ""
    label.setText(f"✔ {captured.signature.signer} 已签名{how}")
    label.setStyleSheet("color: #2e7d32; font-weight: bold;")
