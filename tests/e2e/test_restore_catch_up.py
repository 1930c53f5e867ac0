"""A backup restored at a station that had synced since: its own events come back from the center first.

Without the catch-up, the station would carry on from the backup's head and give its next events
sequence numbers the center already holds: refused as conflicts, or never sent at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.casework.cases import list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.services.safety import backup
from desktop.services.station import require_station
from desktop.services.syncing import catch_up, center_sync
from desktop.store import event_log
from sync.client import credentials
from sync.client.client import SyncClient
from sync.domain.clock import FixedClock
from sync.domain.errors import DomainError
from sync.domain.events import verify_chain
from tests.desktop.conftest import TODAY, complete_draft
from tests.sync.live_server import ServerHandle

from .conftest import connect_station


@pytest.fixture
def station_dir(tmp_path: Path, server: ServerHandle) -> Iterator[Path]:
    """An enrolled station's data folder with one synced case (村民甲) and a backup of that moment."""
    data_dir = tmp_path / "station"
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    connect_station(ctx, server, code, "城南村", "李代办")
    register_case(ctx, complete_draft(ctx, applicant_name="村民甲"))
    center_sync.sync_now(ctx)
    backup.backup_now(ctx)
    ctx.close()
    yield data_dir


def _open(data_dir: Path) -> ServiceContext:
    return ServiceContext.open(data_dir, FixedClock.on(TODAY))


def _names(ctx: ServiceContext) -> list[str]:
    return sorted(c.applicant_name for c in list_cases(ctx))


def _synced_then_restored(data_dir: Path) -> None:
    """村民乙 registered and synced after the backup, then the backup restored."""
    ctx = _open(data_dir)
    register_case(ctx, complete_draft(ctx, applicant_name="村民乙"))
    center_sync.sync_now(ctx)
    ctx.close()
    (latest, *_) = backup.list_backups(data_dir)
    backup.restore_backup(data_dir, latest.path)


def _both_logs(ctx: ServiceContext) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    station = require_station(ctx)
    client = SyncClient(center_sync.make_client(ctx).base_url, token=credentials.load_token(station.station_id))
    center = [e.to_dict() for e in client.iter_events(0)]
    with ctx.db.reading() as session:
        verify_chain(event_log.iter_events(session))
        local = [e.to_dict() for e in event_log.iter_events(session)]
    return local, center


def test_synced_cases_come_back_and_new_ones_follow_them(station_dir: Path) -> None:
    _synced_then_restored(station_dir)
    ctx = _open(station_dir)
    try:
        assert _names(ctx) == ["村民甲"] and catch_up.needed(ctx)
        # Before any sync the clerk records a case: its events take the numbers 村民乙's hold at the center.
        register_case(ctx, complete_draft(ctx, applicant_name="村民丙"))
        changed = center_sync.sync_now(ctx)
        assert "上传 2 条" in changed.message  # 村民丙's registration and its handover, once, after 村民乙's
        assert _names(ctx) == ["村民丙", "村民乙", "村民甲"]
        numbers = {c.applicant_name: c.case_no for c in list_cases(ctx)}
        assert sorted(n[-4:] for n in numbers.values()) == ["0001", "0002", "0003"]
        assert f"{numbers['村民乙'][:-4]}0002改为{numbers['村民丙']}，请重新打印这些办件的委托书" in changed.message
        assert not catch_up.needed(ctx)
        local, center = _both_logs(ctx)
        assert local == center  # every event once, in one chain, on both sides
        assert [c.sync_label for c in list_cases(ctx)] == ["已同步"] * 3
        center_sync.sync_now(ctx)  # nothing more to do
        assert _both_logs(ctx)[1] == center
    finally:
        ctx.close()


def test_a_restore_with_nothing_new_only_brings_the_cases_back(station_dir: Path) -> None:
    _synced_then_restored(station_dir)
    ctx = _open(station_dir)
    try:
        assert "上传 0 条" in center_sync.sync_now(ctx).message
        assert _names(ctx) == ["村民乙", "村民甲"]
        local, center = _both_logs(ctx)
        assert local == center
        # The next case continues the one chain.
        register_case(ctx, complete_draft(ctx, applicant_name="村民丁"))
        center_sync.sync_now(ctx)
        local, center = _both_logs(ctx)
        assert local == center and len(center) == 6
    finally:
        ctx.close()


def test_a_database_put_back_by_hand_is_caught_up_from_the_push_answer(station_dir: Path) -> None:
    """No marker (the file copied back outside the app): the center acknowledging more than the log holds
    is enough to bring the rest back, instead of leaving new events beyond the acknowledged head unsent."""
    _synced_then_restored(station_dir)
    catch_up.marker(station_dir).unlink()
    ctx = _open(station_dir)
    try:
        with ctx.db.transaction() as session:  # the backup's own last events were not confirmed yet then
            center_sync.state_row(session).acked_seq = 1
        center_sync.sync_now(ctx)
        assert _names(ctx) == ["村民乙", "村民甲"]
        register_case(ctx, complete_draft(ctx, applicant_name="村民丙"))
        center_sync.sync_now(ctx)
        local, center = _both_logs(ctx)
        assert local == center and len(center) == 6
    finally:
        ctx.close()


def test_a_step_that_clashes_with_what_came_back_stops_the_sync_and_changes_nothing(
    station_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _synced_then_restored(station_dir)
    ctx = _open(station_dir)
    try:
        register_case(ctx, complete_draft(ctx, applicant_name="村民丙"))
        with ctx.db.reading() as session:
            before = [e.to_dict() for e in event_log.iter_events(session)]

        def refuse(*args: object, **kwargs: object) -> None:
            raise DomainError("办件状态不允许")

        monkeypatch.setattr(event_log, "rebuild_projection", refuse)
        with pytest.raises(DomainError, match="恢复备份后本机新记的办件与镇中心已有的记录冲突"):
            center_sync.sync_now(ctx)
        with ctx.db.reading() as session:
            assert [e.to_dict() for e in event_log.iter_events(session)] == before
        assert catch_up.needed(ctx) and _names(ctx) == ["村民丙", "村民甲"]
    finally:
        ctx.close()
