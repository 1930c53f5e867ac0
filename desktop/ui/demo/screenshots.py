"""Screenshots of the main screens for docs/: ``python -m desktop.ui.demo.screenshots OUTDIR``.

Run under Xvfb (``xvfb-run -a``) or offscreen; a throw-away station is filled
with a demo day of work first (``station.seed``).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QElapsedTimer, QPoint, QRect
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services import accounts, clerk_identity, station_admin
from desktop.services.context import ServiceContext
from desktop.services.safety import backup
from desktop.services.syncing import signing_keys, updates
from sync.client.releases import release_path
from sync.client.transfer import CenterFile
from sync.domain.clock import FixedClock
from sync.domain.signature import APPLICANT
from sync.domain.validation import id_check_char
from sync.protocol.releases import ReleaseManifest, sign_release
from sync.protocol.transfer import public_key_hex

from ..application import make_application
from ..case_detail_window import CaseDetailWindow
from ..facade import StationFacade
from ..feedback_dialog import FeedbackDialog
from ..handover_dialog import HandoverDialog
from ..login_dialog import LoginDialog
from ..main_window import MainWindow
from ..rare_char_dialog import CANDIDATE, open_for
from ..signature_dialog import SignatureDialog
from .signature import DEMO_NAME, draw_demo
from .station import DEMO_USER, TODAY, seed


def _wait(app: QApplication, done: Callable[[], bool], ms: int = 5000) -> None:
    timer = QElapsedTimer()
    timer.start()
    while not done() and timer.elapsed() < ms:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def _save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))


def _composite(below: QWidget, above: QWidget, path: Path) -> None:
    """The signature pad over the handover dialog it was opened from, as the clerk sees them."""
    QApplication.processEvents()
    back, front = below.grab(), above.grab()
    offset = QPoint(max(0, back.width() - front.width() // 2 - 160), back.height() // 2)
    canvas = QPixmap(max(back.width(), offset.x() + front.width()) + 12, offset.y() + front.height() + 12)
    canvas.fill(QColor("#d9dee5"))
    painter = QPainter(canvas)
    painter.drawPixmap(0, 0, back)
    painter.fillRect(QRect(offset + QPoint(6, 6), front.size()), QColor(0, 0, 0, 70))
    painter.drawPixmap(offset, front)
    painter.setPen(QColor("#7b8794"))
    painter.drawRect(QRect(offset, front.size()).adjusted(0, 0, -1, -1))
    painter.end()
    canvas.save(str(path))


def _case_page(app: QApplication, window: MainWindow, case_id: str) -> CaseDetailWindow:
    page = window.open_case(case_id)
    page.resize(1180, 820)
    _wait(app, lambda: (page.detail is not None and page.attachments_view.count() > 0) or page.detail is not None)
    _wait(app, lambda: False, 300)  # thumbnails
    return page


def _rare_char(app: QApplication, window: MainWindow, path: Path) -> None:
    """A new case for 王𠮷堃: the clerk looks up a character by its reading in the 生僻字 dialog."""
    dialog = window.new_case()
    dialog.select_item("MZ004")
    dialog.name_edit.setText("王\U00020bb7堃")
    dialog.address_edit.setText("青禾村\U0002c317家湾5号")
    dialog.name_edit.setFocus()
    rare = open_for(dialog.name_edit)
    rare.query_edit.setText("zhe")
    _wait(app, lambda: rare.candidates.count() > 0, 10000)
    zhe = [i for i in range(rare.candidates.count()) if rare.candidates.item(i).data(CANDIDATE).char == "\U0002a6a5"]
    rare.candidates.setCurrentRow(zhe[0])
    _wait(app, lambda: False, 100)
    _composite(dialog, rare, path)
    rare.reject()
    dialog.discard()


def _demo_id(first17: str) -> str:
    return first17 + id_check_char(first17)


def _station_settings(app: QApplication, window: MainWindow, ctx: ServiceContext, out: Path) -> None:
    """数据 → 代办站设置 with three clerks (one deactivated), on the 代办员, 代办站信息 and U盘文件签名 tabs (a
    return file brought the center's key, not yet confirmed by phone)."""
    clerk_identity.set_identity(ctx, DEMO_USER, _demo_id("51012219850615002"), "13908176543")
    accounts.create_clerk(ctx, "zhangxf", "张晓芳", "demo-pass-2", _demo_id("51012219920308004"), "13551234567")
    accounts.create_clerk(ctx, "wangjg", "王建国", "demo-pass-3")
    accounts.set_active(ctx, "wangjg", False)
    station_admin.new_recovery_code(ctx)
    demo_center = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"demo town center").digest())
    signing_keys.note_center_file(ctx, CenterFile([], public_key_hex(demo_center), None, None))
    settings = window.open_station_settings()
    _wait(app, lambda: len(settings.clerks_page.clerks) == 3 and bool(settings.name_edit.text()))
    settings.tabs.setCurrentWidget(settings.clerks_page)
    settings.clerks_page.select("zhangxf")
    _save(settings, out / "station_settings.png")
    settings.tabs.setCurrentIndex(0)
    _save(settings, out / "station_settings_station.png")
    settings.tabs.setCurrentIndex(2)
    _save(settings, out / "station_settings_passwords.png")
    settings.tabs.setCurrentWidget(settings.keys_page)
    _wait(app, settings.center_confirm_row.isVisible)
    _save(settings, out / "station_settings_keys.png")
    settings.new_code_button.click()
    _wait(app, lambda: settings.code_dialog is not None and settings.code_dialog.isVisible())
    assert settings.code_dialog is not None
    _save(settings.code_dialog, out / "recovery_code.png")
    settings.code_dialog.written_box.setChecked(True)
    settings.code_dialog.accept()
    settings.close()


def _signature_pad(app: QApplication, path: Path) -> None:
    """The signature dialog with the demo name drawn on its pad (was ``python -m desktop.ui.signature_dialog``)."""
    dialog = SignatureDialog(DEMO_NAME, APPLICANT)
    dialog.resize(780, 400)
    dialog.show()
    app.processEvents()
    draw_demo(dialog.pad)
    app.processEvents()
    _save(dialog, path)
    dialog.close()


def _update_offer(app: QApplication, window: MainWindow, ctx: ServiceContext, out: Path) -> None:
    """新版本可用: a release the center signed, downloaded by the last sync; the strip and its dialog."""
    center = Ed25519PrivateKey.generate()
    signing_keys.remember_center(ctx, public_key_hex(center), station_key_registered=True)
    content = b"daibantong installer (demo) " * 4000
    manifest = ReleaseManifest(
        version="1.3.0",
        platform=updates.current_platform(),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        notes="新增：新版本经同步自动下载，点“安装”后下次启动时安装\n修复：打印委托书时个别生僻字缺字",
        published_at="2026-12-06T02:00:00Z",
    )
    updates.offer(ctx, sign_release(center, manifest), running="1.2.0")
    folder = updates.updates_folder(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    release_path(folder, manifest).write_bytes(content)
    updates.mark_downloaded(ctx, manifest)
    window.tabs.setCurrentIndex(0)
    window.update_banner.show_offer(updates.current_offer(ctx, running="1.2.0"))
    app.processEvents()
    _save(window, out / "update_banner.png")
    dialog = window.update_banner.open_dialog()
    assert dialog is not None
    _wait(app, dialog.isVisible)
    _save(dialog, out / "update_dialog.png")
    dialog.reject()


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    _signature_pad(app, out / "signature_pad.png")
    with tempfile.TemporaryDirectory() as tmp:
        ctx = ServiceContext.open(Path(tmp), FixedClock.on(TODAY))
        ids = seed(ctx)

        login = LoginDialog(
            partial(accounts.login, ctx), "青禾村政务服务代办站", reset=partial(station_admin.reset_password, ctx)
        )
        login.username_edit.setText("lidb")
        login.password_edit.setText("wrongpass")
        login.show()
        login.submit()
        _wait(app, login.error_label.isVisible)
        _save(login, out / "login.png")
        login.close()

        facade = StationFacade(ctx)
        window = MainWindow(facade)
        window.resize(1280, 800)
        window.show()
        _wait(app, lambda: window.home.view is not None and window.model.rowCount() > 0)
        _save(window, out / "home.png")
        window.tabs.setCurrentIndex(1)
        _save(window, out / "main_window.png")

        backup.backup_now(ctx, "daily")
        backup.backup_now(ctx)
        backups = window.open_backups()
        backups.resize(820, 560)
        _wait(app, lambda: not backups.busy)
        _save(backups, out / "backup_dialog.png")
        backups.close()

        _station_settings(app, window, ctx, out)

        dialog = window.new_case()
        dialog.select_item("MZ004")
        dialog.name_edit.setText("周玉梅")
        dialog.id_edit.setText("11010519491231002X")
        dialog.phone_edit.setText("13800138000")
        dialog.address_edit.setText("青禾村三组8号")
        dialog.group_boxes["老"].setChecked(True)
        dialog.materials.set_all_present(True)
        dialog.materials.set_present(2, False)
        dialog.sign("applicant")  # the villager has signed the 委托书; the clerk is next
        _wait(app, lambda: dialog.signature_dialog is not None and dialog.signature_dialog.isVisible())
        assert dialog.signature_dialog is not None
        draw_demo(dialog.signature_dialog.pad)
        dialog.signature_dialog.confirm()
        app.processEvents()
        _save(dialog, out / "new_case_dialog.png")
        _save(dialog, out / "case_wizard.png")
        dialog.discard()

        _rare_char(app, window, out / "rare-character-dialog.png")

        page = _case_page(app, window, ids["custody"])
        _save(page, out / "case_detail.png")
        page.tabs.setCurrentWidget(page.custody_view)
        _save(page, out / "custody.png")
        page.tabs.setCurrentWidget(page.attachments_view)
        _save(page, out / "attachments.png")

        detail = page.detail
        assert detail is not None
        handover = HandoverDialog(
            detail,
            facade.station.clerk,
            lambda draft: facade.prepare_handover(ids["custody"], draft),
            lambda data: facade.record_handover(ids["custody"], data),
            "window",
            "clerk",
            "材料交接",
            page,
        )
        handover.to_name.setText("李代办")
        handover.from_name.setText("周窗口")
        handover.show()
        handover.sign("from")
        _wait(app, lambda: handover.signature_dialog is not None and handover.signature_dialog.isVisible())
        pad = handover.signature_dialog
        assert pad is not None
        pad.resize(780, 420)
        _wait(app, lambda: False, 100)
        draw_demo(pad.pad)
        _save(handover, out / "handover_dialog.png")
        _composite(handover, pad, out / "handover_signature.png")
        pad.close()
        handover.discard()

        done = _case_page(app, window, ids["done"])
        assert done.detail is not None
        feedback = FeedbackDialog(facade, done.detail, done)
        feedback.confirm_box.setChecked(True)
        feedback.show()
        _save(feedback, out / "feedback_dialog.png")
        feedback.discard()
        done.close()

        bad = _case_page(app, window, ids["bad"])
        bad.tabs.setCurrentWidget(bad.history_view)
        _save(bad, out / "case_detail_bad_rating.png")

        _update_offer(app, window, ctx, out)
        for widget in (bad, page, window):
            widget.close()
        ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
