"""代办站设置 → 身份证读卡器: the address kept (default the vendor's port), and a test read against the simulator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services.casework.id_reader import DEFAULT_URL, station_reader_url
from desktop.services.context import ServiceContext
from desktop.ui.facade import StationSettingsServices
from desktop.ui.station_settings_dialog import StationSettingsDialog
from tests.id_reader_simulator import running

from .keyboard import type_text

CLICK = Qt.MouseButton.LeftButton


def test_the_reader_address_is_kept_and_a_test_read_shows_the_card(qtbot: QtBot, ctx: ServiceContext) -> None:
    dialog = StationSettingsDialog(StationSettingsServices(ctx))
    qtbot.addWidget(dialog)
    page = dialog.reader_page
    qtbot.waitUntil(lambda: page.url_edit.text() == DEFAULT_URL, timeout=5000)
    with running("card") as (_sim, url):
        page.url_edit.clear()
        type_text(qtbot, page.url_edit, url)
        qtbot.mouseClick(page.save_button, CLICK)
        qtbot.waitUntil(lambda: page.result_label.text() == "读卡器地址已保存", timeout=5000)
        assert station_reader_url(ctx) == url
        qtbot.mouseClick(page.test_button, CLICK)
        qtbot.waitUntil(lambda: page.result_label.text().startswith("读卡成功"), timeout=5000)
    assert page.result_label.text() == "读卡成功：王\U00020bb7，身份证号码末四位 018X"


def test_an_address_that_is_not_http_is_refused(qtbot: QtBot, ctx: ServiceContext) -> None:
    dialog = StationSettingsDialog(StationSettingsServices(ctx))
    qtbot.addWidget(dialog)
    page = dialog.reader_page
    qtbot.waitUntil(lambda: page.url_edit.text() == DEFAULT_URL, timeout=5000)
    page.url_edit.clear()
    type_text(qtbot, page.url_edit, "COM3")
    qtbot.mouseClick(page.save_button, CLICK)
    qtbot.waitUntil(lambda: page.result_label.text() != "", timeout=5000)
    assert page.result_label.text() == "读卡器地址应形如 http://127.0.0.1:24010/ZKIDROnline"
    assert station_reader_url(ctx) == DEFAULT_URL
