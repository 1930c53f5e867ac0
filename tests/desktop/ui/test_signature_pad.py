"""Sign on the pad with mouse, pen and finger; the dialog refuses nothing-signed and imports scans."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QInputDevice, QPainter, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from desktop.ui.demo.signature import demo_points, draw_demo
from desktop.ui.signature_dialog import SignatureDialog
from desktop.ui.signature_pad import SignaturePad
from sync.domain.signature import BOX_HEIGHT, BOX_WIDTH, Signature
from tests.domain.factories import SIGNED_AT

from .pen import held_move


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pad(qtbot: QtBot, clock: FakeClock) -> SignaturePad:
    widget = SignaturePad(clock=clock)
    qtbot.addWidget(widget)
    widget.resize(BOX_WIDTH, BOX_HEIGHT)  # one box unit per pixel
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def drag(
    qtbot: QtBot, widget: SignaturePad, clock: FakeClock, points: list[tuple[int, int]], step_ms: int = 10
) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:-1]:
        clock.now += step_ms
        held_move(widget, QPoint(x, y))
    clock.now += step_ms
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


ZIGZAG = [(100 + 20 * i, 60 if i % 2 else 140) for i in range(8)]


def test_mouse_strokes_are_captured_with_positions_and_timing(
    qtbot: QtBot, pad: SignaturePad, clock: FakeClock
) -> None:
    with qtbot.waitSignal(pad.signature_changed):
        drag(qtbot, pad, clock, ZIGZAG)
    clock.now += 400
    drag(qtbot, pad, clock, [(300, 100), (350, 110), (400, 100)], step_ms=20)

    first, second = pad.strokes()
    assert [(round(x), round(y)) for x, y, _, _ in first] == ZIGZAG
    assert [t for _, _, t, _ in first] == [5000 + 10 * i for i in range(8)]
    assert [t for _, _, t, _ in second] == [5470, 5490, 5510]
    assert {p for *_, p in first} == {0.5}  # a mouse has no pressure

    sig = pad.signature("王秀英", "委托人", SIGNED_AT)
    assert sig.method == "pad" and len(sig.strokes) == 2
    assert sig.strokes[0][0][:3] == (100, 140, 0)  # time counted from the first point
    assert sig.strokes[1][-1][:3] == (400, 100, 510)


def test_plain_qtest_moves_also_draw(qtbot: QtBot, pad: SignaturePad, clock: FakeClock) -> None:
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    for x in range(60, 200, 20):
        clock.now += 8
        QTest.mouseMove(pad, QPoint(x, 50 + x // 4))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 100))
    (stroke,) = pad.strokes()
    assert len(stroke) >= 8
    assert stroke[-1][:2] == (200, 100)


def test_points_outside_the_box_are_clamped(qtbot: QtBot, pad: SignaturePad, clock: FakeClock) -> None:
    pad.resize(900, 200)  # box is 600×200, centered: 150 px margins left and right
    drag(qtbot, pad, clock, [(100, 100), (450, 50), (890, 150)])
    (stroke,) = pad.strokes()
    assert [(round(x), round(y)) for x, y, _, _ in stroke] == [(0, 100), (300, 50), (600, 150)]


def test_undo_and_clear(qtbot: QtBot, pad: SignaturePad, clock: FakeClock) -> None:
    assert pad.is_empty()
    drag(qtbot, pad, clock, ZIGZAG)
    drag(qtbot, pad, clock, [(400, 50), (420, 150)])
    with qtbot.waitSignal(pad.signature_changed):
        pad.undo_stroke()
    assert len(pad.strokes()) == 1
    with qtbot.waitSignal(pad.signature_changed):
        pad.clear()
    assert pad.is_empty() and pad.strokes() == ()
    with qtbot.assertNotEmitted(pad.signature_changed):
        pad.undo_stroke()
        pad.clear()


def test_tablet_pen_records_pressure(qtbot: QtBot, pad: SignaturePad, clock: FakeClock) -> None:
    device = QPointingDevice(
        "pen",
        1,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        3,
    )

    def send(kind: QEvent.Type, x: float, y: float, pressure: float) -> None:
        pos = QPointF(x, y)
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.MouseButton.LeftButton
        event = QTabletEvent(
            kind,
            device,
            pos,
            QPointF(pad.mapToGlobal(pos)),
            pressure,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            Qt.KeyboardModifier.NoModifier,
            Qt.MouseButton.LeftButton,
            buttons,
        )
        QApplication.sendEvent(pad, event)
        clock.now += 5

    send(QEvent.Type.TabletPress, 100, 100, 0.2)
    send(QEvent.Type.TabletMove, 150, 90, 0.6)
    send(QEvent.Type.TabletMove, 200, 80, 0.9)
    send(QEvent.Type.TabletRelease, 250, 85, 0.3)
    (stroke,) = pad.strokes()
    assert [round(p, 2) for *_, p in stroke] == [0.2, 0.6, 0.9, 0.3]
    assert [t for _, _, t, _ in stroke] == [5000, 5005, 5010, 5015]


def test_touch_draws_a_stroke(qtbot: QtBot, pad: SignaturePad, clock: FakeClock) -> None:
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(100, 100), pad).commit()
    for x in (150, 200, 250):
        clock.now += 10
        QTest.touchEvent(pad, device).move(0, QPoint(x, 120), pad).commit()
    clock.now += 10
    QTest.touchEvent(pad, device).release(0, QPoint(300, 130), pad).commit()
    (stroke,) = pad.strokes()
    assert [(round(x), round(y)) for x, y, _, _ in stroke] == [
        (100, 100),
        (150, 120),
        (200, 120),
        (250, 120),
        (300, 130),
    ]
    assert stroke[-1][2] - stroke[0][2] == 40


def test_render_png_is_transparent_except_for_the_ink(qtbot: QtBot, pad: SignaturePad, clock: FakeClock) -> None:
    drag(qtbot, pad, clock, [(100, 100), (300, 100), (500, 100)])
    data = pad.render_png(300, 100)
    assert data.startswith(b"\x89PNG")
    image = QImage.fromData(data)
    assert (image.width(), image.height()) == (300, 100)
    assert image.hasAlphaChannel()
    assert image.pixelColor(150, 50).alpha() > 150  # on the stroke, at half scale
    assert image.pixelColor(100, 50).alpha() > 0
    assert image.pixelColor(150, 10).alpha() == 0
    assert image.pixelColor(20, 50).alpha() == 0


def test_pad_paints_hint_when_empty_and_ink_when_signed(qtbot: QtBot, pad: SignaturePad) -> None:
    empty = pad.grab().toImage()
    draw_demo(pad)
    signed = pad.grab().toImage()
    # the demo's 王 is drawn in dark ink where the empty pad was light paper
    x, y = 100 + 30, 96  # on the second 横 of 王
    assert empty.pixelColor(x, y).lightness() > 200
    assert signed.pixelColor(x, y).lightness() < 100


# --- the dialog ---------------------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot: QtBot, clock: FakeClock) -> SignatureDialog:
    dlg = SignatureDialog("王秀英", "委托人", clock=clock)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_dialog_refuses_an_empty_signature(qtbot: QtBot, dialog: SignatureDialog) -> None:
    assert dialog.windowTitle() == "签名 — 王秀英"
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.result() != SignatureDialog.DialogCode.Accepted
    assert dialog.message_label.isVisible()
    assert dialog.message_label.text() == "请先签名"
    assert dialog.result_signature is None


def test_dialog_refuses_a_scrawl_then_accepts_a_signature(qtbot: QtBot, dialog: SignatureDialog) -> None:
    dialog.pad.add_stroke([(100, 100, 0, 0.5), (102, 101, 8, 0.5)])
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.message_label.text() == "签名过于简单，请重新签名"
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.pad.is_empty() and not dialog.message_label.isVisible()

    draw_demo(dialog.pad)
    assert dialog.undo_button.isEnabled()
    with qtbot.waitSignal(dialog.signature_confirmed) as blocker:
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    sig = blocker.args[0]
    assert isinstance(sig, Signature) and sig == dialog.result_signature
    assert dialog.result() == SignatureDialog.DialogCode.Accepted
    assert (sig.signer, sig.role, sig.method) == ("王秀英", "委托人", "pad")
    assert len(sig.strokes) == len(demo_points())
    assert dialog.scan_bytes is None


def test_undo_button_removes_the_last_stroke(qtbot: QtBot, dialog: SignatureDialog) -> None:
    draw_demo(dialog.pad)
    count = len(dialog.pad.strokes())
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert len(dialog.pad.strokes()) == count - 1


def _png(path: Path) -> bytes:
    image = QImage(400, 120, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    painter.drawLine(20, 80, 380, 40)
    painter.end()
    image.save(str(path), "PNG")
    return path.read_bytes()


def test_import_a_paper_signature_photo(
    qtbot: QtBot, dialog: SignatureDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = tmp_path / "签名照片.png"
    data = _png(photo)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(photo), ""))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.scan_preview)
    pixmap = dialog.scan_preview.pixmap()
    assert not pixmap.isNull() and pixmap.width() > 100
    assert "签名照片.png" in dialog.scan_label.text()
    assert not dialog.undo_button.isEnabled() and dialog.clear_button.isEnabled()

    with qtbot.waitSignal(dialog.signature_confirmed):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    sig = dialog.result_signature
    assert sig is not None and sig.method == "scan"
    assert sig.image_sha256 == hashlib.sha256(data).hexdigest()
    assert dialog.scan_bytes == data


def test_clear_drops_an_imported_photo(
    qtbot: QtBot, dialog: SignatureDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = tmp_path / "scan.png"
    _png(photo)
    dialog.load_scan(str(photo))
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.scan_preview)
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.pad
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.message_label.text() == "请先签名"


def test_a_file_that_is_not_an_image_is_refused_on_the_dialog(
    qtbot: QtBot, dialog: SignatureDialog, tmp_path: Path
) -> None:
    bogus = tmp_path / "签名.jpg"
    bogus.write_bytes(b"not an image")
    dialog.load_scan(str(bogus))
    qtbot.waitUntil(dialog.message_label.isVisible)
    assert "无法识别" in dialog.message_label.text()
    assert dialog.stack.currentWidget() is dialog.pad
    assert dialog.import_button.isEnabled()
