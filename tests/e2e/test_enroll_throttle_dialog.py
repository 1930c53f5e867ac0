"""The connect dialog shows the center's 429 (too many wrong enrollment codes) in Chinese."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.context import ServiceContext
from desktop.services.station import setup_station
from desktop.ui.facade import StationFacade
from desktop.ui.main_window import MainWindow
from sync.domain.clock import FixedClock
from tests.desktop.conftest import TODAY
from tests.sync.live_server import ServerHandle, issue_enrollment_code, serving


@pytest.fixture
def strict_center(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """A center that pauses enrollment from an address after one wrong code."""
    with serving("sqlite", tmp_path_factory, env={"DAIBANTONG_ENROLL_FREE_FAILURES": "1"}) as handle:
        yield handle


def test_connect_dialog_shows_the_pause_after_wrong_codes(
    qtbot: QtBot, tmp_path: Path, strict_center: ServerHandle
) -> None:
    station_code = f"E{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    setup_station(ctx, code=station_code, name="城东村代办站", village="城东村", town="城关镇", clerk="吴代办")
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    dialog = window.connect_center()
    qtbot.keyClicks(dialog.url_edit, strict_center.url)
    qtbot.keyClicks(dialog.code_edit, "AAAA-BBBB-CCCC")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "登记码无效" in dialog.error_label.text(), timeout=10000)

    dialog.code_edit.setText(issue_enrollment_code(strict_center.database_url, station_code, "城东村代办站"))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "次数过多" in dialog.error_label.text(), timeout=10000)
    text = dialog.error_label.text()
    assert "秒后再试" in text and "正确的登记码也不能使用" in text
    assert "服务器拒绝了数据" not in text and "状态码" not in text
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    ctx.close()
