"""Hostile USB transfer files, both ways: each ends in a Chinese refusal, never a raw zip/zlib error.

Station import: ``read_center_file`` raises ``TransferFileError``. Center import: ``import_station_file``
raises ``ServiceError`` (``rejected``) with the same Chinese message, and the ``import-file`` command
exits 1 with it. The cases: not a zip, truncated, a bit flipped anywhere, zip bombs (unsigned, signed
with honest sizes past the bounds, signed with lying sizes), many members, nested / ``..`` / absolute /
duplicate names, a manifest of the wrong shape. A 1 MB bomb's import is measured in its own process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.hostile_zip import manifest, zip_bomb, zip_of
from sync.client.errors import TransferFileError
from sync.client.transfer import export_unsent, load_file, read_center_file
from sync.protocol import transfer
from sync.protocol.transfer import (
    CENTER_TO_STATION,
    STATION_TO_CENTER,
    TransferFormatError,
    read_transfer,
    signing_key,
    write_transfer,
)
from sync.server.core.db import make_engine
from sync.server.services.errors import ServiceError
from sync.server.services.transfer import import_station_file
from tests.domain.factories import SIGNED_AT as MADE_AT

from .conftest import Station, enroll_station
from .factories import Chain
from .live_server import ROOT, ServerHandle, center_sessions, row_counts

log = logging.getLogger(__name__)

#: What every refusal's message starts with (or contains): the three kinds the clerk can act on.
REASONS = ("文件已损坏", "文件不是代办通传输文件", "文件签名不符", "文件过大", "传输文件", "其他代办站")
BOMB_BYTES = 1024 * 1024 * 1024


def _signed(made: bytes, key: bytes) -> list[tuple[str, bytes]]:
    return [("manifest.json", made), ("manifest.sig", transfer._sign(made, key).encode())]


def _bomb(station_id: str, direction: str, key: bytes, *, declared: int | None, sign: bool = True) -> bytes:
    """A zip of a 1 GiB events member and a manifest naming it with ``declared`` bytes.

    ``declared=None``: honest (1 GiB, past the bound); else the zip's directory is patched to say ``declared``
    too, so only the stream itself is a lie.
    """
    size = BOMB_BYTES if declared is None else declared
    made = manifest(station_id, direction, {"events.jsonl": (size, "0" * 64)})
    return zip_bomb(_signed(made, key if sign else b"not-the-key"), BOMB_BYTES, declared=declared)


def _genuine(station_id: str, direction: str, key: bytes) -> bytes:
    chain = Chain(station_id)
    chain.new_case()
    blob = os.urandom(3000)
    blobs = {hashlib.sha256(blob).hexdigest(): blob}
    return write_transfer(
        direction=direction, station_id=station_id, events=chain.events, key=key, created_at=MADE_AT, blobs=blobs
    )


Hostile = Callable[[str, str, bytes], bytes]


def _names(*names: str) -> Hostile:
    def make(station_id: str, direction: str, key: bytes) -> bytes:
        events = b""
        parts = {n: (len(events), hashlib.sha256(events).hexdigest()) for n in names}
        return zip_of([*_signed(manifest(station_id, direction, parts), key), *((n, events) for n in names)])

    return make


def _signed_manifest(**change: object) -> Hostile:
    def make(station_id: str, direction: str, key: bytes) -> bytes:
        events = b""
        parts = {"events.jsonl": (0, hashlib.sha256(events).hexdigest())}
        return zip_of([*_signed(manifest(station_id, direction, parts, change), key), ("events.jsonl", events)])

    return make


HOSTILE: dict[str, Hostile] = {
    "empty": lambda s, d, k: b"",
    "text": lambda s, d, k: "你好，这不是传输文件".encode(),
    "png": lambda s, d, k: b"\x89PNG\r\n\x1a\n" + bytes(200),
    "truncated-half": lambda s, d, k: _genuine(s, d, k)[: len(_genuine(s, d, k)) // 2],
    "truncated-end": lambda s, d, k: _genuine(s, d, k)[:-1],
    "appended": lambda s, d, k: _genuine(s, d, k) + b"tail",
    "bomb-unsigned": lambda s, d, k: _bomb(s, d, k, declared=None, sign=False),
    "bomb-signed-honest-size": lambda s, d, k: _bomb(s, d, k, declared=None),
    "bomb-signed-lying-size": lambda s, d, k: _bomb(s, d, k, declared=100),
    "bomb-manifest": lambda s, d, k: zip_of([("manifest.json", bytes(64 * 1024 * 1024)), ("manifest.sig", b"0")]),
    "many-members": lambda s, d, k: zip_of([(f"blobs/{i:064x}", b"") for i in range(10_001)], zipfile.ZIP_STORED),
    "nested": _names("events.jsonl", "blobs/a/b"),
    "dot-dot": _names("events.jsonl", "../events.jsonl"),
    "absolute": _names("events.jsonl", "/etc/passwd"),
    "backslash": _names("events.jsonl", "blobs\\..\\x"),
    "duplicate": _names("events.jsonl", "events.jsonl"),
    "no-events": _names(),
    "parts-not-a-list": _signed_manifest(parts={"path": "events.jsonl"}),
    "negative-size": _signed_manifest(parts=[{"path": "events.jsonl", "size": -1, "sha256": "0" * 64}]),
    "station-id-nul": _signed_manifest(station_id="s\x00"),
    "deep-json": lambda s, d, k: zip_of([("manifest.json", b"[" * 100_000), ("manifest.sig", b"0")]),
}


def _refused_message(message: str) -> None:
    assert any(reason in message for reason in REASONS), message


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_station_refuses_hostile_center_files(case: str) -> None:
    token = "dbt_station"
    data = HOSTILE[case]("s1", CENTER_TO_STATION, signing_key(token))
    with pytest.raises(TransferFileError) as caught:
        read_center_file(data, station_id="s1", token=token)
    _refused_message(caught.value.message)


def _flips(data: bytes, every: int) -> Iterator[bytes]:
    for at in range(0, len(data), every):
        for bit in (0x01, 0x80):
            flipped = bytearray(data)
            flipped[at] ^= bit
            yield bytes(flipped)


def test_a_bit_flipped_anywhere_is_refused_or_harmless_at_the_station() -> None:
    token = "dbt_station"
    data = _genuine("s1", CENTER_TO_STATION, signing_key(token))
    good = read_transfer(data, [signing_key(token)], direction=CENTER_TO_STATION)
    refused = harmless = 0
    for flipped in _flips(data, 1):
        try:
            contents = read_transfer(flipped, [signing_key(token)], direction=CENTER_TO_STATION)
        except TransferFormatError as exc:
            _refused_message(exc.message)
            refused += 1
        else:  # zip fields nothing reads (times, "version made by"): the contents are still exactly the signed ones
            assert contents == good
            harmless += 1
    assert refused > harmless


@pytest.fixture(scope="module")
def center_station(live_server: ServerHandle) -> Station:
    return enroll_station(live_server)


def _center_import(database_url: str, data: bytes) -> None:
    engine = make_engine(database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            import_station_file(session, data)
    finally:
        engine.dispose()


#: A station file's id becomes its batch's id at the center (nothing at a station reads it).
HOSTILE_AT_CENTER: dict[str, Hostile] = {
    **HOSTILE,
    "transfer-id-nul": _signed_manifest(transfer_id="t\x00"),
    "transfer-id-wide": _signed_manifest(transfer_id="t" * 65),
    "transfer-id-empty": _signed_manifest(transfer_id=""),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_AT_CENTER))
def test_center_refuses_hostile_station_files(center_station: Station, case: str) -> None:
    station = center_station
    key = signing_key(station.client.token or "")
    data = HOSTILE_AT_CENTER[case](station.station_id, STATION_TO_CENTER, key)
    with pytest.raises(ServiceError) as caught:
        _center_import(station.server.database_url, data)
    assert caught.value.code == "rejected", caught.value.message
    _refused_message(caught.value.message)
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0


def test_a_bit_flipped_anywhere_is_refused_or_harmless_at_the_center(center_station: Station) -> None:
    station = center_station
    token = station.client.token or ""
    data = export_unsent(created_at=MADE_AT, station_id=station.station_id, token=token, events=[])
    for flipped in _flips(data, 7):
        try:
            _center_import(station.server.database_url, flipped)
        except ServiceError as exc:
            _refused_message(exc.message)


def test_oversize_files_are_refused_before_they_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfer, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.dbt"
    path.write_bytes(bytes(1001))
    with pytest.raises(TransferFileError) as caught:
        load_file(path)
    assert "过大" in caught.value.message
    small = tmp_path / "small.dbt"
    small.write_bytes(bytes(1000))
    assert load_file(small) == bytes(1000)


def test_export_past_the_bounds_is_refused_at_the_station(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfer, "MAX_BLOBS_BYTES", 10)
    blob = bytes(11)
    with pytest.raises(TransferFileError) as caught:
        export_unsent(
            created_at=MADE_AT, station_id="s1", token="t", events=[], blobs={hashlib.sha256(blob).hexdigest(): blob}
        )
    assert "无法导出" in caught.value.message


#: The import-file command's peak RSS, measured by a parent whose only child it is.
_PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stderr.write(done.stderr)\n"
)


def _import_peak_kib(server: ServerHandle, path: Path) -> tuple[int, int, str]:
    env = os.environ | {"DATABASE_URL": server.database_url}
    cli = [sys.executable, "-m", "sync.server", "import-file", str(path)]
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *cli], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    code, peak = done.stdout.split()
    return int(code), int(peak), done.stderr


#: The import of a 1 MB bomb may cost at most this much more than importing a small genuine file.
BOMB_RSS_BOUND_KIB = 50 * 1024


def test_center_import_of_a_1mb_zip_bomb_stays_small(center_station: Station, tmp_path: Path) -> None:
    station = center_station
    key = signing_key(station.client.token or "")
    genuine = tmp_path / "genuine.dbt"
    token = station.client.token or ""
    genuine.write_bytes(export_unsent(created_at=MADE_AT, station_id=station.station_id, token=token, events=[]))
    _code, baseline, _ = _import_peak_kib(station.server, genuine)
    for declared in (None, 100):
        bomb = tmp_path / "bomb.dbt"
        bomb.write_bytes(_bomb(station.station_id, STATION_TO_CENTER, key, declared=declared))
        assert bomb.stat().st_size < 1.5 * 1024 * 1024
        code, peak, stderr = _import_peak_kib(station.server, bomb)
        assert code == 1 and ("文件过大" in stderr or "文件已损坏" in stderr), stderr
        assert "Traceback" not in stderr
        assert peak - baseline < BOMB_RSS_BOUND_KIB, (declared, baseline, peak)
        log.info("import-file of a 1 MB bomb (declared=%s): peak %d KiB, genuine file %d KiB", declared, peak, baseline)
