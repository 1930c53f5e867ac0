"""连接镇中心: the plain-http allowance in the dialog, and the warning in the main window."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.casework.records import Changed
from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync
from desktop.services.syncing.center_address import UNENCRYPTED_WARNING, CenterAddress
from desktop.store import settings
from desktop.ui.connect_dialog import ConnectDialog
from desktop.ui.main_window import MainWindow
from sync.client.address import check_center_url

LAN = "http://192.168.10.5:8000"


def _connect(calls: list[tuple[str, bool]]):  # type: ignore[no-untyped-def]
    def connect(url: str, code: str, allow_http: bool) -> Changed:
        calls.append((url, allow_http))
        check_center_url(url, allow_http=allow_http)  # what the service does first
        return Changed(sync=True, message="已连接镇中心")

    return connect


def test_http_is_refused_until_the_box_is_ticked_and_then_warned_about(qtbot: QtBot, tmp_path: Path) -> None:
    calls: list[tuple[str, bool]] = []
    dialog = ConnectDialog(_connect(calls))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.allow_http_box.isChecked() and not dialog.http_warning.isVisible()
    qtbot.keyClicks(dialog.url_edit, LAN)
    qtbot.keyClicks(dialog.code_edit, "AAAA-BBBB-CCCC")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "https://" in dialog.error_label.text(), timeout=5000)
    assert "允许使用不加密的 http 地址" in dialog.error_label.text() and dialog.isVisible()

    dialog.allow_http_box.click()
    assert dialog.error_label.text() == ""
    assert dialog.http_warning.isVisible() and "未加密" in dialog.http_warning.text()
    if os.environ.get("DAIBANTONG_SCREENSHOTS"):
        dialog.grab().save(os.environ["DAIBANTONG_SCREENSHOTS"])
    with qtbot.waitSignal(dialog.connected, timeout=5000):
        dialog.ok_button.click()
    assert calls == [(LAN, False), (LAN, True)]


def test_main_window_says_when_the_link_is_unencrypted(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    assert not window.link_warning_label.isVisible()
    with ctx.db.transaction() as session:
        settings.put(session, center_sync.SERVER, {"url": LAN, "allow_http": True})
    window.refresh()
    qtbot.waitUntil(window.link_warning_label.isVisible, timeout=5000)
    assert window.link_warning_label.text() == UNENCRYPTED_WARNING
    if os.environ.get("DAIBANTONG_SCREENSHOTS"):
        window.resize(1366, 768)
        qtbot.wait(50)
        window.grab().save(os.environ["DAIBANTONG_SCREENSHOTS"].replace(".png", "-window.png"))
    with ctx.db.transaction() as session:
        settings.put(session, center_sync.SERVER, {"url": "https://zhongxin.example.gov.cn", "allow_http": False})
    window.refresh()
    qtbot.waitUntil(lambda: not window.link_warning_label.isVisible(), timeout=5000)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000"])
def test_loopback_connects_without_the_box(qtbot: QtBot, url: str) -> None:
    calls: list[tuple[str, bool]] = []
    dialog = ConnectDialog(_connect(calls))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.url_edit, url)
    qtbot.keyClicks(dialog.code_edit, "AAAA-BBBB-CCCC")
    with qtbot.waitSignal(dialog.connected, timeout=5000):
        dialog.ok_button.click()
    assert calls == [(url, False)]


def test_the_address_connected_to_before_is_filled_in(qtbot: QtBot) -> None:
    calls: list[tuple[str, bool]] = []
    dialog = ConnectDialog(_connect(calls), remembered=lambda: CenterAddress(LAN, True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.url_edit.text() == LAN, timeout=5000)
    assert dialog.allow_http_box.isChecked() and dialog.remembered_label.isVisible()
    assert dialog.focusWidget() is dialog.code_edit  # only the new code is left to type
    qtbot.keyClicks(dialog.code_edit, "AAAA-BBBB-CCCC")
    with qtbot.waitSignal(dialog.connected, timeout=5000):
        dialog.ok_button.click()
    assert calls == [(LAN, True)]

    typed = ConnectDialog(_connect(calls))
    qtbot.addWidget(typed)
    typed.url_edit.setText("https://zhongxin.example.gov.cn")  # typed before the address came back
    typed._fill_remembered(CenterAddress(LAN, True))
    assert typed.url_edit.text() == "https://zhongxin.example.gov.cn" and not typed.allow_http_box.isChecked()
