"""拍照 with a document camera: no camera is said plainly; a captured frame becomes an attachment."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop.services.casework.attachments import list_attachments, read_attachment
from desktop.services.context import ServiceContext
from desktop.ui.camera_dialog import NO_CAMERA, CameraDialog
from desktop.ui.facade import StationFacade
from desktop.ui.main_window import MainWindow

from ..services.workflow_helpers import registered
from .case_page import open_case


@pytest.fixture
def window(qtbot: QtBot, ctx: ServiceContext) -> MainWindow:
    win = MainWindow(StationFacade(ctx))
    qtbot.addWidget(win)
    return win


def test_without_a_camera_the_dialog_says_so(qtbot: QtBot) -> None:
    dialog = CameraDialog(devices=[])
    qtbot.addWidget(dialog)
    assert dialog.status.text() == NO_CAMERA
    assert not dialog.take_button.isEnabled()


def test_a_captured_frame_is_stored_as_the_cases_attachment(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = registered(ctx)
    page = open_case(qtbot, window, case_id)
    dialog = page.case_actions.take_photo(case_id, CameraDialog(page, devices=[]))
    frame = QImage(640, 480, QImage.Format.Format_RGB32)
    frame.fill(QColor("#d9cfb8"))
    with qtbot.waitSignal(dialog.photo_taken, timeout=5000):
        dialog._on_image(1, frame)  # what QImageCapture delivers after 拍照
    qtbot.waitUntil(lambda: len(list_attachments(ctx, case_id)) == 1, timeout=5000)
    (info,) = list_attachments(ctx, case_id)
    assert info.filename.startswith("拍照-") and info.mime == "image/png"
    with Image.open(io.BytesIO(read_attachment(ctx, info.sha256))) as image:
        assert image.size == (640, 480)
    assert not dialog.isVisible()
