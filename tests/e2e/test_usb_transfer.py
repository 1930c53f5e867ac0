"""Weeks without a link: records travel to the town center and back on a USB stick."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from desktop.services.casework.attachments import add_attachment_bytes
from desktop.services.casework.cases import get_case, register_case
from desktop.services.casework.workflow import deliver
from desktop.services.context import ServiceContext
from desktop.services.station import require_station, setup_station
from desktop.services.syncing import center_sync, transfer
from sync.client import credentials
from sync.client.errors import TransferFileError
from sync.domain.case_rules import CaseState
from sync.domain.clock import FixedClock
from sync.domain.errors import DomainError
from sync.protocol.models import EnrollRequest
from sync.server.core.db import make_engine
from sync.server.core.migrate import upgrade_head
from sync.server.services.center_events import record_center_event
from sync.server.services.enrollment import enroll
from sync.server.services.transfer import export_center_file, import_station_file
from tests.conftest import require_postgres
from tests.desktop.conftest import complete_draft
from tests.sync.live_server import center_sessions, issue_enrollment_code, postgres_schema_url, sqlite_url

T = TypeVar("T")


@pytest.fixture(params=["sqlite", "postgres"])
def center_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    with postgres_schema_url(require_postgres()) as url:
        yield url


def _scan_png() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((320, 200), 40).convert("RGB").save(out, "PNG")
    return out.getvalue()


class Center:
    """The town center's side of the USB trip, straight on its database (no network at all)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        upgrade_head(self.engine)
        self.sessions = center_sessions(self.engine)
        #: The center's own signing key (in production a key file beside the database: ``core.signing``).
        self.key = Ed25519PrivateKey.generate()

    def run(self, action: Callable[[Session], T]) -> T:
        with self.sessions() as session, session.begin():
            return action(session)


@pytest.fixture
def offline_station(tmp_path: Path, center_url: str) -> Iterator[tuple[ServiceContext, Center]]:
    """A station that enrolled once (online), then lost its link."""
    code = f"U{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(date(2026, 11, 23)))
    station = setup_station(ctx, code=code, name="山后村代办站", village="山后村", town="城关镇", clerk="吴代办")
    enrollment_code = issue_enrollment_code(center_url, code, "山后村代办站")
    center = Center(center_url)
    reply = center.run(lambda s: enroll(s, EnrollRequest(code=enrollment_code, station_id=station.station_id)))
    credentials.save_token(station.station_id, reply.token)
    yield ctx, center
    ctx.close()
    center.engine.dispose()


def test_round_trip_on_a_usb_stick(offline_station: tuple[ServiceContext, Center], tmp_path: Path) -> None:
    ctx, center = offline_station
    station_id = require_station(ctx).station_id
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    add_attachment_bytes(ctx, case_id, _scan_png(), "户口簿.png")
    deliver(ctx, case_id)
    stick = tmp_path / "usb"
    stick.mkdir()

    changed = transfer.export_to_file(ctx, stick / "to_center.dbt")
    assert "已导出" in changed.message
    data = (stick / "to_center.dbt").read_bytes()
    first = center.run(lambda s: import_station_file(s, data))
    again = center.run(lambda s: import_station_file(s, data))
    assert first.accepted == first.acked_seq and first.blobs == 1
    assert again.accepted == 0 and again.duplicates == first.accepted
    assert center_sync.status(ctx).pending == first.acked_seq  # only the center's word moves the outbox

    center.run(lambda s: record_center_event(s, station_id, "case.center_accept", {"case_id": case_id}, "窗口"))
    (stick / "to_station.dbt").write_bytes(center.run(lambda s: export_center_file(s, station_id, center.key)))
    result = transfer.import_from_file(ctx, stick / "to_station.dbt")
    assert case_id in result.case_ids
    assert get_case(ctx, case_id).state is CaseState.IN_PROGRESS
    assert "没有新的记录" in transfer.import_from_file(ctx, stick / "to_station.dbt").message


def _rewrite(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same zip with one part changed and everything else (signature included) kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def test_a_tampered_or_foreign_file_is_refused(offline_station: tuple[ServiceContext, Center], tmp_path: Path) -> None:
    ctx, center = offline_station
    station_id = require_station(ctx).station_id
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    deliver(ctx, case_id)
    center.run(lambda s: import_station_file(s, transfer_bytes(ctx, tmp_path)))
    center.run(lambda s: record_center_event(s, station_id, "case.center_accept", {"case_id": case_id}, "窗口"))
    genuine = center.run(lambda s: export_center_file(s, station_id, center.key))
    path = tmp_path / "to_station.dbt"
    for tampered in (
        _rewrite(genuine, "events.jsonl", lambda b: b.replace("窗口".encode(), "主任".encode())),
        _rewrite(genuine, "manifest.sig", lambda b: b"0" * len(b)),
        genuine[: len(genuine) // 2],
    ):
        path.write_bytes(tampered)
        with pytest.raises(TransferFileError):
            transfer.import_from_file(ctx, path)
    assert get_case(ctx, case_id).state is CaseState.DELIVERED
    with pytest.raises(DomainError, match="无法读取"):
        transfer.import_from_file(ctx, tmp_path / "missing.dbt")
    path.write_bytes(genuine)
    transfer.import_from_file(ctx, path)
    assert get_case(ctx, case_id).state is CaseState.IN_PROGRESS


def transfer_bytes(ctx: ServiceContext, tmp_path: Path) -> bytes:
    path = tmp_path / "to_center.dbt"
    transfer.export_to_file(ctx, path)
    return path.read_bytes()


def test_nothing_to_export_says_so(offline_station: tuple[ServiceContext, Center], tmp_path: Path) -> None:
    ctx, _center = offline_station
    with pytest.raises(DomainError, match="没有需要导出的记录"):
        transfer.export_to_file(ctx, tmp_path / "x.dbt")
    assert not (tmp_path / "x.dbt").exists()


def test_usb_buttons_in_the_main_window(
    qtbot: QtBot, offline_station: tuple[ServiceContext, Center], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from desktop.ui.facade import StationFacade
    from desktop.ui.main_window import MainWindow

    ctx, center = offline_station
    station_id = require_station(ctx).station_id
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    deliver(ctx, case_id)
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    out = tmp_path / "stick" / "to_center.dbt"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.export_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "已导出" in shown[-1] and out.exists()
    data = out.read_bytes()
    center.run(lambda s: import_station_file(s, data))
    center.run(lambda s: record_center_event(s, station_id, "case.center_accept", {"case_id": case_id}, "窗口"))
    back = tmp_path / "stick" / "to_station.dbt"
    back.write_bytes(center.run(lambda s: export_center_file(s, station_id, center.key)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(back), ""))
    window.import_action.trigger()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10000)
    assert "已导入镇中心 1 条" in shown[-1]
    assert get_case(ctx, case_id).state is CaseState.IN_PROGRESS
