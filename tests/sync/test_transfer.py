"""USB transfer files: format checks, and the center importing through the push path (real HTTP to verify)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.client.errors import TransferFileError
from sync.client.transfer import export_unsent, read_center_file
from sync.domain.events import GENESIS_HASH
from sync.protocol.transfer import STATION_TO_CENTER, TransferFormatError, read_transfer, signing_key
from sync.server.services.errors import ServiceError
from sync.server.services.transfer import export_center_file, import_station_file
from tests.domain.factories import SIGNED_AT as MADE_AT

from .conftest import Station, enroll_station
from .factories import Chain, resealed
from .live_server import ROOT, in_center, record_center, row_counts


def _import(database_url: str, data: bytes) -> tuple[int, int, int]:
    result = in_center(database_url, lambda session: import_station_file(session, data))
    return result.accepted, result.duplicates, result.acked_seq


#: The center's signing key in these tests (a live server keeps its own in a key file: ``core.signing``).
CENTER_KEY = Ed25519PrivateKey.generate()


def _export_center(database_url: str, station_id: str, after: int = 0) -> bytes:
    return in_center(database_url, lambda session: export_center_file(session, station_id, CENTER_KEY, after))


def _rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, change.get(name, source.read(name)))
    return out.getvalue()


def test_round_trip_of_the_format() -> None:
    chain = Chain("s1")
    chain.new_case()
    blob = os.urandom(1000)
    sha = hashlib.sha256(blob).hexdigest()
    data = export_unsent(
        created_at="2026-11-23T02:00:00.000+00:00",
        station_id="s1",
        token="dbt_x",
        events=chain.events,
        blobs={sha: blob},
    )
    contents = read_transfer(data, [signing_key("dbt_x")], direction=STATION_TO_CENTER)
    assert contents.events == chain.events and contents.blobs == {sha: blob}
    assert contents.station_id == "s1" and contents.transfer_id


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda d: d[: len(d) // 2], "损坏"),
        (lambda d: b"hello", "不是代办通"),
        (lambda d: _rezip(d, {"events.jsonl": b"{}\n"}), "校验失败"),
        (lambda d: _rezip(d, {"manifest.sig": b"0" * 64}), "签名不符"),
    ],
)
def test_damaged_or_forged_files_are_refused(mangle: object, reason: str) -> None:
    chain = Chain("s1")
    chain.new_case()
    data = export_unsent(created_at=MADE_AT, station_id="s1", token="dbt_x", events=chain.events)
    with pytest.raises(TransferFormatError) as caught:
        read_transfer(mangle(data), [signing_key("dbt_x")], direction=STATION_TO_CENTER)  # type: ignore[operator]
    assert reason in caught.value.message
    with pytest.raises(TransferFormatError):
        read_transfer(data, [signing_key("dbt_other")], direction=STATION_TO_CENTER)


def test_import_goes_through_the_push_path_and_twice_is_harmless(station: Station, tmp_path: Path) -> None:
    station.chain.new_case()
    station.client.push(station.chain.events)  # online part
    blob = os.urandom(20_000)
    sha = hashlib.sha256(blob).hexdigest()
    case_id = station.chain.new_case(2)
    extension = {"due_on": "2026-12-15", "consent": True, "reason": "部门系统升级", "requested_on": "2026-11-25"}
    station.chain.add("case.extend", {"case_id": case_id, **extension, "blobs": [sha]})
    unsent = station.chain.events[3:]
    token = station.client.token or ""
    data = export_unsent(
        created_at="2026-11-23T02:00:00.000+00:00",
        station_id=station.station_id,
        token=token,
        events=unsent,
        blobs={sha: blob},
    )
    path = tmp_path / "transfer.dbt"
    path.write_bytes(data)
    env = os.environ | {"DATABASE_URL": station.server.database_url}
    cli = [sys.executable, "-m", "sync.server", "import-file", str(path)]
    first = subprocess.run(cli, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert "新增4条" in first.stdout
    assert _import(station.server.database_url, data) == (0, 4, 7)
    assert [e.to_dict() for e in station.client.iter_events()] == [e.to_dict() for e in station.chain.events]
    assert station.client.fetch_blob(sha) == blob
    counts = row_counts(station.server.database_url, station.station_id)
    assert (counts["events"], counts["cases"]) == (7, 2)


def test_import_refuses_what_push_refuses(station: Station) -> None:
    station.chain.new_case()
    token = station.client.token or ""
    events = list(station.chain.events)
    events[1] = resealed(events[1], actor="篡改者")  # breaks the link to event 3
    with pytest.raises(ServiceError) as caught:
        _import(
            station.server.database_url,
            export_unsent(created_at=MADE_AT, station_id=station.station_id, token=token, events=events),
        )
    assert caught.value.code == "chain_broken"
    gap = export_unsent(
        created_at="2026-11-23T02:00:00.000+00:00",
        station_id=station.station_id,
        token=token,
        events=station.chain.events[1:],
    )
    with pytest.raises(ServiceError) as caught:
        _import(station.server.database_url, gap)
    assert caught.value.expected_seq == 1
    other = enroll_station(station.server)
    forged = export_unsent(
        created_at="2026-11-23T02:00:00.000+00:00",
        station_id=station.station_id,
        token=other.client.token or "",
        events=station.chain.events,
    )
    with pytest.raises(ServiceError) as caught:
        _import(station.server.database_url, forged)
    assert "签名" in caught.value.message
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0


def test_center_events_travel_back_by_file(station: Station) -> None:
    case_id = station.chain.new_case()
    station.client.push(station.chain.events)
    db = station.server.database_url
    first = record_center(db, station.station_id, "case.center_accept", {"case_id": case_id}, "镇窗口")
    record_center(db, station.station_id, "case.center_complete", {"case_id": case_id}, "镇窗口")
    data = _export_center(db, station.station_id)
    token = station.client.token or ""
    events = read_center_file(data, station_id=station.station_id, token=token)
    assert [e.type for e in events] == ["case.center_accept", "case.center_complete"]
    assert events == station.client.pull_events()
    again = read_center_file(data, station_id=station.station_id, token=token, after=2, after_hash=events[-1].hash)
    assert again == []
    partial = read_center_file(data, station_id=station.station_id, token=token, after=1, after_hash=first.hash)
    assert partial == events[1:]
    with pytest.raises(TransferFileError) as caught:
        read_center_file(data, station_id=station.station_id, token=token, after=1, after_hash=GENESIS_HASH)
    assert "校验失败" in caught.value.message
    with pytest.raises(TransferFileError):
        read_center_file(data, station_id=station.station_id, token="dbt_wrong")
