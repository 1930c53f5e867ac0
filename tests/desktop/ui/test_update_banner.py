"""新版本可用: the main window's strip shows a release the center signed, its dialog asks for the install at
the next start; a forged or older one shows nothing."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.context import ServiceContext
from desktop.services.syncing import signing_keys, updates
from desktop.ui.main_window import MainWindow
from sync.client.releases import release_path
from sync.protocol.releases import ReleaseManifest, sign_release
from sync.protocol.transfer import new_private_key, public_key_hex

NOTES = "新增：更新经同步自动下载\n修复：打印委托书时偶尔缺字"


def offer_release(ctx: ServiceContext, version: str, *, trusted: bool = True, downloaded: bool = True) -> None:
    """What a sync leaves: a release signed by the center key this station trusts (or by another key)."""
    center = new_private_key()
    signing_keys.remember_center(ctx, public_key_hex(center), station_key_registered=True)
    content = b"installer " * 1000
    manifest = ReleaseManifest(
        version=version,
        platform=updates.current_platform(),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        notes=NOTES,
        published_at="2026-12-06T02:00:00Z",
    )
    signed = sign_release(center if trusted else new_private_key(), manifest)
    updates.offer(ctx, signed, running="0.1.0")
    if downloaded and trusted:
        folder = updates.updates_folder(ctx)
        folder.mkdir(parents=True, exist_ok=True)
        release_path(folder, manifest).write_bytes(content)
        updates.mark_downloaded(ctx, manifest)


@pytest.fixture(autouse=True)
def running_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(updates.sync, "__version__", "0.1.0")


def test_banner_shows_the_offer_and_the_dialog_asks_for_the_install(
    qtbot: QtBot, ctx: ServiceContext, window: MainWindow
) -> None:
    banner = window.update_banner
    assert not banner.isVisible()
    offer_release(ctx, "0.2.0")
    banner.refresh()
    qtbot.waitUntil(banner.isVisible)
    text = banner.label.text()
    assert text.startswith("新版本可用 0.2.0（已下载") and "新增：更新经同步自动下载" in text
    dialog = banner.open_dialog()
    assert dialog is not None and dialog.isVisible()
    assert "修复：打印委托书时偶尔缺字" in dialog.notes.toPlainText()
    assert dialog.install_button.isEnabled()
    qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "下次启动" in window.statusBar().currentMessage())
    qtbot.waitUntil(lambda: "将在下次启动代办通时安装" in banner.label.text())
    held = updates.current_offer(ctx)
    assert held is not None and held.install_requested


def test_a_release_still_downloading_cannot_be_installed_yet(
    qtbot: QtBot, ctx: ServiceContext, window: MainWindow
) -> None:
    offer_release(ctx, "0.2.0", downloaded=False)
    window.update_banner.refresh()
    qtbot.waitUntil(window.update_banner.isVisible)
    assert "正在后台下载" in window.update_banner.label.text()
    dialog = window.update_banner.open_dialog()
    assert dialog is not None and not dialog.install_button.isEnabled()


def test_a_forged_or_older_release_shows_nothing(qtbot: QtBot, ctx: ServiceContext, window: MainWindow) -> None:
    offer_release(ctx, "0.2.0", trusted=False)
    assert "签名不符" in updates.refusal(ctx)
    offer_release(ctx, "0.0.9")
    window.update_banner.refresh()
    qtbot.wait(200)
    assert not window.update_banner.isVisible() and updates.current_offer(ctx) is None
