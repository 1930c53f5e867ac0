"""拍照: a photo of a material from a document camera (高拍仪) or webcam, as PNG bytes.

Document cameras appear to the PC as ordinary video inputs, so Qt Multimedia
drives them. Without any camera the dialog says so and the clerk adds a file.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QCamera, QCameraDevice, QImageCapture, QMediaCaptureSession, QMediaDevices
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

NO_CAMERA = "未检测到摄像头或高拍仪。请连接设备后重新打开，或关闭本窗口改用“从文件添加”。"


def camera_available() -> bool:
    return bool(QMediaDevices.videoInputs())


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes; PySide6 takes only str
    buffer.close()
    return bytes(data.data())


class CameraDialog(QDialog):
    """Live view of the chosen camera; 拍照 emits ``photo_taken`` with PNG bytes and closes."""

    photo_taken = Signal(bytes)

    def __init__(self, parent: QWidget | None = None, devices: list[QCameraDevice] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("拍照（高拍仪 / 摄像头）")
        self.resize(800, 640)
        self.devices = QMediaDevices.videoInputs() if devices is None else devices
        self.photo: bytes | None = None
        self.camera: QCamera | None = None
        self.session = QMediaCaptureSession(self)
        self.capture = QImageCapture(self)
        self.session.setImageCapture(self.capture)
        self.capture.imageCaptured.connect(self._on_image)
        self.status: QLabel  # made below, with the layout
        self.capture.errorOccurred.connect(lambda _id, _err, text: self.status.setText(f"拍照失败：{text}"))
        self.view = QVideoWidget()
        self.session.setVideoOutput(self.view)
        self.device_combo = QComboBox()
        for device in self.devices:
            self.device_combo.addItem(device.description(), device)
        self.device_combo.currentIndexChanged.connect(self._use_device)
        self.status = QLabel(NO_CAMERA if not self.devices else "把材料平放在镜头下，对准后点“拍照”。")
        self.status.setWordWrap(True)
        self.take_button = QPushButton("拍照")
        self.take_button.setEnabled(bool(self.devices))
        self.take_button.clicked.connect(self.take_photo)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("设备"))
        buttons.addWidget(self.device_combo, 1)
        buttons.addWidget(self.take_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        if self.devices:
            self._use_device(0)

    def _use_device(self, index: int) -> None:
        if self.camera is not None:
            self.camera.stop()
        self.camera = QCamera(self.devices[index], self)
        self.camera.errorOccurred.connect(lambda _err, text: self.status.setText(f"摄像头无法使用：{text}"))
        self.session.setCamera(self.camera)
        self.camera.start()

    def take_photo(self) -> None:
        if not self.capture.isReadyForCapture():
            self.status.setText("摄像头还没有准备好，请稍候再拍。")
            return
        self.capture.capture()

    def _on_image(self, _request_id: int, image: QImage) -> None:
        self.photo = png_bytes(image)
        self.photo_taken.emit(self.photo)
        self.accept()

    def done(self, result: int) -> None:
        if self.camera is not None:
            self.camera.stop()
        super().done(result)
