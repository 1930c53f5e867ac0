"""Scans per station at the center are bounded: a quota, and unfinished uploads dropped after a while.

A real server on each backend with a 1 MB quota and a 1-hour limit for unfinished uploads; the time is
moved in-process (the services on the same database, on a clock that stands still) and through the CLI
(``DAIBANTONG_FIXED_TIME``). The stations page shows what each station's scans take.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest

from sync.client.errors import TooLarge
from sync.domain.clock import FixedClock
from sync.server.core.config import BlobLimits
from sync.server.core.db import make_engine, make_sessionmaker
from sync.server.services.blobs import blob_status, put_chunk, usage
from sync.server.services.errors import ServiceError
from tests.server_web.helpers import staff_as

from .conftest import Station, enroll_station
from .live_server import CENTER_START, ROOT, ServerHandle, serving

QUOTA_MB = 1
LIMITS = BlobLimits(quota_bytes=QUOTA_MB * 1024 * 1024, incomplete_max_age=timedelta(hours=1))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    env = {"DAIBANTONG_BLOB_QUOTA_MB": str(QUOTA_MB), "DAIBANTONG_INCOMPLETE_BLOB_HOURS": "1"}
    with serving(request.param, tmp_path_factory, env=env) as handle:
        yield handle


@pytest.fixture
def station(server: ServerHandle) -> Station:
    return enroll_station(server)


def _blob(size: int) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


def test_a_station_past_its_quota_is_refused_before_any_byte_is_kept(station: Station, server: ServerHandle) -> None:
    first, _ = _blob(700 * 1024)
    assert station.client.upload_blob(first).complete
    second, sha = _blob(700 * 1024)
    with pytest.raises(TooLarge) as caught:
        station.client.upload_blob(second)
    assert "已达上限" in caught.value.message and "1.0MB" in caught.value.message
    assert station.client.blob_status(sha) is None
    assert station.client.upload_blob(first).complete  # what it holds is still there, a resend harmless
    page = staff_as(server, "supervisor").get("/stations").text
    row = page[page.index(f"<td>{station.code}</td>") :]
    row = row[: row.index("</tr>")]
    assert "1 个，700.0 KB" in row and "签名密钥未登记" in row
    assert "每站上限 1.0 MB" in page and "超过1小时仍未上传完成" in page


def test_an_unfinished_upload_holds_its_place_until_it_is_dropped(station: Station, server: ServerHandle) -> None:
    clock = FixedClock(CENTER_START, tick=False)
    engine = make_engine(server.database_url)
    sessions = make_sessionmaker(engine, clock)
    sid = station.station_id
    try:
        big, big_sha = _blob(900 * 1024)
        small, small_sha = _blob(200 * 1024)
        with sessions() as session, session.begin():
            put_chunk(session, sid, big_sha, 0, len(big), big[:1000], LIMITS)  # started, never finished
        with sessions() as session, session.begin():
            assert usage(session)[sid].incomplete == 1 and usage(session)[sid].incomplete_bytes == 1000
        with pytest.raises(ServiceError) as caught, sessions() as session, session.begin():
            put_chunk(session, sid, small_sha, 0, len(small), small, LIMITS)  # 900 KB declared + 200 KB > 1 MB
        assert caught.value.code == "too_large"
        clock.advance(hours=1, minutes=1)
        with sessions() as session, session.begin():
            assert put_chunk(session, sid, small_sha, 0, len(small), small, LIMITS).complete
            assert blob_status(session, sid, big_sha) is None  # dropped, chunks and all
            assert (usage(session)[sid].complete, usage(session)[sid].incomplete) == (1, 0)
        # the CLI drops what is left unfinished across stations
        left, left_sha = _blob(500 * 1024)
        with sessions() as session, session.begin():
            put_chunk(session, sid, left_sha, 0, len(left), left[:1000], LIMITS)
    finally:
        engine.dispose()
    later = (clock.now() + timedelta(hours=2)).isoformat()
    env = os.environ | {
        "DATABASE_URL": server.database_url,
        "DAIBANTONG_INCOMPLETE_BLOB_HOURS": "1",
        "DAIBANTONG_FIXED_TIME": later,
    }
    done = subprocess.run(
        [sys.executable, "-m", "sync.server", "clean-blobs"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "已删除未完成的附件上传1个" in done.stdout
    assert station.client.blob_status(left_sha) is None
