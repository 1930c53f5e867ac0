"""A database made by the first released schema (revision 0001), with cases, opens in this app."""

from __future__ import annotations

import shutil
from pathlib import Path

from desktop.services.casework.cases import list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.services.safety.backup import list_backups, verify
from desktop.services.station import current_station
from desktop.store import backup as store_backup
from desktop.store import event_log
from desktop.store.backup import migrate_with_backup
from desktop.store.db import DB_FILENAME, Database, current_revision, head_revision
from sync.domain.clock import FixedClock

from ..conftest import TODAY, complete_draft

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "station-0001.sqlite3"


def _station_at_0001(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(FIXTURE, data_dir / DB_FILENAME)
    return data_dir


def test_the_fixture_is_at_the_first_revision(tmp_path: Path) -> None:
    db = Database(_station_at_0001(tmp_path))
    assert current_revision(db.engine) == "0001"
    db.close()


def test_first_schema_with_data_migrates_to_head_with_a_backup_first(tmp_path: Path) -> None:
    data_dir = _station_at_0001(tmp_path)
    original = FIXTURE.read_bytes()

    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert current_revision(ctx.db.engine) == head_revision()
        with ctx.db.reading() as session:
            event_log.verify(session)
            assert event_log.count_events(session) == 6
        cases = list_cases(ctx)
        assert sorted(c.applicant_name for c in cases) == ["王秀英", "赵四", "钱多多"]
        assert [c.applicant_name for c in list_cases(ctx, text="赵四")] == ["赵四"]  # search column filled
        station = current_station(ctx)
        assert station is not None and station.code == "CS01" and station.username == ""

        backups = list_backups(ctx)
        assert [b.reason for b in backups] == ["before-migration"]
        assert backups[0].path.parent == data_dir / "backups"
        assert verify(backups[0].path).events == 6
        backup_db = Database(tmp_path / "peek")
        shutil.copyfile(backups[0].path, backup_db.path)
        assert current_revision(backup_db.engine) == "0001"  # the backup is the database before the upgrade
        backup_db.close()
        assert FIXTURE.read_bytes() == original

        register_case(ctx, complete_draft(ctx, applicant_name="孙五"))  # the chain continues after the upgrade
        with ctx.db.reading() as session:
            assert event_log.verify(session)
            assert event_log.count_events(session) == 8
    finally:
        ctx.close()


def test_no_backup_when_the_database_is_already_at_head(tmp_path: Path) -> None:
    data_dir = _station_at_0001(tmp_path)
    ServiceContext.open(data_dir).close()
    ServiceContext.open(data_dir).close()
    assert len(list_backups(data_dir)) == 1


def test_the_backup_before_an_upgrade_goes_to_the_folder_given(tmp_path: Path) -> None:
    db = Database(_station_at_0001(tmp_path))
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert migrate_with_backup(db, backup_folder=folder) is True
    assert [b.reason for b in store_backup.list_backups(folder)] == ["before-migration"]
    assert migrate_with_backup(db, backup_folder=folder) is False  # at head: no second backup
    assert len(store_backup.list_backups(folder)) == 1
    db.close()


def test_migrate_alone_upgrades_without_a_backup(tmp_path: Path) -> None:
    data_dir = _station_at_0001(tmp_path)
    db = Database(data_dir)
    assert db.migrate() is True
    assert current_revision(db.engine) == head_revision()
    assert not (data_dir / "backups").exists()
    db.close()
