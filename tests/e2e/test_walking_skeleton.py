"""Window to town center: a case recorded at the station reaches the real server over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services import accounts
from desktop.services.casework.cases import list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.services.station import require_station, setup_station
from desktop.services.syncing import center_sync
from desktop.services.syncing.sync_state import state_row
from desktop.store import event_log
from desktop.ui.facade import StationFacade
from desktop.ui.main_window import MainWindow
from sync.client import credentials
from sync.client.client import SyncClient
from sync.client.errors import ConnectionFailed
from sync.domain.clock import FixedClock
from tests.desktop.conftest import TODAY, complete_draft
from tests.sync.live_server import (
    ServerHandle,
    issue_enrollment_code,
)


@pytest.fixture
def enrolled(tmp_path: Path, server: ServerHandle) -> Iterator[ServiceContext]:
    """A fresh station (its own code, since a code enrolls once) connected to the center."""
    station_code = f"E{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    setup_station(ctx, code=station_code, name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    enrollment = issue_enrollment_code(server.database_url, station_code, "城南村代办站")
    center_sync.connect_center(ctx, server.url, enrollment)
    yield ctx
    ctx.close()


def _server_events(ctx: ServiceContext) -> list[dict[str, object]]:
    station = require_station(ctx)
    server_url = center_sync.make_client(ctx).base_url
    client = SyncClient(server_url, token=credentials.load_token(station.station_id))
    return [e.to_dict() for e in client.iter_events(0)]


def test_case_is_synced_and_listed_by_the_server(enrolled: ServiceContext) -> None:
    ctx = enrolled
    register_case(ctx, complete_draft(ctx))
    assert center_sync.status(ctx).pending == 2
    changed = center_sync.sync_now(ctx)
    assert "上传 2 条" in changed.message
    with ctx.db.reading() as session:
        local = [e.to_dict() for e in event_log.iter_events(session)]
    assert _server_events(ctx) == local
    status = center_sync.status(ctx)
    assert status.pending == 0 and status.last_error is None and status.last_success_at
    assert [c.sync_label for c in list_cases(ctx)] == ["已同步"]


def test_resending_everything_duplicates_nothing(enrolled: ServiceContext) -> None:
    ctx = enrolled
    register_case(ctx, complete_draft(ctx))
    center_sync.sync_now(ctx)
    with ctx.db.transaction() as session:  # as if the acknowledgement had been lost on the way back
        state_row(session).acked_seq = 0
    register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
    center_sync.sync_now(ctx)
    events = _server_events(ctx)
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert center_sync.status(ctx).pending == 0


def test_link_down_keeps_everything_pending_with_a_chinese_error(enrolled: ServiceContext) -> None:
    ctx = enrolled
    register_case(ctx, complete_draft(ctx))
    dead = SyncClient("http://127.0.0.1:9", token="x", timeout=(1, 1))
    with pytest.raises(ConnectionFailed) as err:
        center_sync.sync_now(ctx, dead)
    assert "无法连接" in err.value.message or "网络" in err.value.message
    status = center_sync.status(ctx)
    assert status.pending == 2
    assert status.last_error == err.value.message
    center_sync.sync_now(ctx)
    assert center_sync.status(ctx).pending == 0


def test_sync_button_in_the_window(qtbot: QtBot, enrolled: ServiceContext) -> None:
    ctx = enrolled
    register_case(ctx, complete_draft(ctx))
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert window.model.row_at(0).sync_label == "未同步"
    window.sync_action.trigger()
    qtbot.waitUntil(lambda: window.model.row_at(0).sync_label == "已同步", timeout=15000)
    qtbot.waitUntil(lambda: "待同步 0 条" in window.sync_label.text(), timeout=5000)
    # the case reads 已同步 once its batch is answered; the button comes back when the pull is done too
    qtbot.waitUntil(window.sync_action.isEnabled, timeout=10000)


def test_connect_dialog_enrolls_and_refuses_a_used_code(qtbot: QtBot, tmp_path: Path, server: ServerHandle) -> None:
    station_code = f"E{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    setup_station(ctx, code=station_code, name="城北村代办站", village="城北村", town="城关镇", clerk="周代办")
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    code = issue_enrollment_code(server.database_url, station_code, "城北村代办站")

    dialog = window.connect_center()
    qtbot.keyClicks(dialog.url_edit, server.url)
    qtbot.keyClicks(dialog.code_edit, code)
    with qtbot.waitSignal(dialog.connected, timeout=10000):
        dialog.ok_button.click()
    assert center_sync.status(ctx).enrolled

    again = window.connect_center()
    qtbot.waitUntil(lambda: again.url_edit.text() == server.url, timeout=5000)  # the address is remembered
    qtbot.keyClicks(again.code_edit, code)
    again.ok_button.click()
    qtbot.waitUntil(lambda: bool(again.error_label.text()), timeout=10000)
    assert again.isVisible()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in again.error_label.text())  # a Chinese message
    ctx.close()


def test_worker_backs_off_while_the_center_is_down_and_catches_up(
    qtbot: QtBot, enrolled: ServiceContext, server: ServerHandle
) -> None:
    ctx = enrolled
    register_case(ctx, complete_draft(ctx))
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    worker = window.sync_worker
    server.stop()
    try:
        with qtbot.waitSignal(worker.sync_failed, timeout=20000) as failed:
            window.sync_action.trigger()
        assert "无法连接" in failed.args[0]
        assert worker.schedule.failures == 1
        assert worker.timer.isActive()
        # The delay the worker chose: the first retry, 15 s with jitter (7.5-15 s). Not remainingTime(): Qt's
        # coarse timer moves the wake-up by up to 5 % to a round time, so that reads up to about 15.25 s for a
        # delay drawn near 15 s, and 7.12 s (minus however long the test took to get here) for one of 7.5 s.
        assert 7_500 <= worker.timer.interval() <= 15_000
        assert center_sync.status(ctx).pending == 2
    finally:
        server.restart()
    with qtbot.waitSignal(worker.sync_finished, timeout=20000):
        assert worker.sync_now()
    assert worker.schedule.failures == 0
    assert center_sync.status(ctx).pending == 0
    assert worker.timer.isActive() and worker.timer.interval() == 300_000  # back to the regular interval


def test_scans_go_up_before_the_events_that_name_them(enrolled: ServiceContext) -> None:
    import io

    from PIL import Image

    from desktop.services.casework.attachments import add_attachment_bytes

    ctx = enrolled
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    scan = io.BytesIO()
    Image.effect_noise((400, 300), 30).convert("RGB").save(scan, "PNG")
    add_attachment_bytes(ctx, case_id, scan.getvalue(), "户口簿首页.png")
    center_sync.sync_now(ctx)
    assert center_sync.status(ctx).pending == 0
    client = center_sync.make_client(ctx)
    events = list(client.iter_events(0))
    (sha,) = [e.payload["sha256"] for e in events if e.type == "case.attach"]
    assert client.fetch_blob(sha) == scan.getvalue()


def test_connect_on_a_pc_without_keyring_needs_no_second_password(
    qtbot: QtBot, tmp_path: Path, server: ServerHandle
) -> None:
    import keyring

    from tests.desktop.services.test_credential_store import NoKeyring

    keyring.set_keyring(NoKeyring())
    station_code = f"E{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    setup_station(
        ctx,
        code=station_code,
        name="城西村代办站",
        village="城西村",
        town="城关镇",
        clerk="冯代办",
        username="feng",
        password="mima-123456",
    )
    accounts.login(ctx, "feng", "mima-123456")  # opens the data key that seals the token: no second password
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    code = issue_enrollment_code(server.database_url, station_code, "城西村代办站")
    dialog = window.connect_center()
    qtbot.keyClicks(dialog.url_edit, server.url)
    qtbot.keyClicks(dialog.code_edit, code)
    with qtbot.waitSignal(dialog.connected, timeout=15000):
        dialog.ok_button.click()
    register_case(ctx, complete_draft(ctx))
    center_sync.sync_now(ctx)
    assert center_sync.status(ctx).pending == 0
    ctx.close()
