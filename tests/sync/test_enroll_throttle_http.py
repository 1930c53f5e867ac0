"""Wrong enrollment codes are throttled per address and per station code, over real HTTP.

Each test starts its own center with a low threshold (the shared test servers run with a very high
one, see ``live_server.SHARED_SERVER_FREE_FAILURES``). Every test connects from 127.0.0.1; other
addresses come through ``X-Forwarded-For``, which uvicorn honours from 127.0.0.1 only
(``FORWARDED_ALLOW_IPS``) — the same address the staff pages audit. Time passes by restarting the
center with its pinned clock further on (``DAIBANTONG_FIXED_TIME``): the throttle's state is in the
database, so it survives the restart.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests

from sync.client.client import SyncClient
from sync.client.errors import EnrollmentFailed, TooManyAttempts
from sync.domain.clock import SYSTEM_CLOCK
from sync.server.core.config import FIXED_TIME_ENV, EnrollLimits
from sync.server.core.db import make_engine
from sync.server.services.enroll_throttle import _wait, record_enroll_failure

from .live_server import CENTER_CLOCK, CENTER_START, ServerHandle, center_sessions, issue_enrollment_code, serving

LIMITS = {
    "DAIBANTONG_ENROLL_FREE_FAILURES": "3",
    "DAIBANTONG_ENROLL_WAIT_SECONDS": "30",
    "DAIBANTONG_ENROLL_MAX_WAIT_SECONDS": "120",
    "DAIBANTONG_ENROLL_WINDOW_MINUTES": "60",
}


@pytest.fixture(params=["sqlite", "postgres"])
def center(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    with serving(request.param, tmp_path_factory, env=dict(LIMITS)) as handle:
        yield handle


def _station_code() -> str:
    return f"Z{uuid.uuid4().hex[:8].upper()}"


def _enroll(center: ServerHandle, code: str, station_code: str, address: str = "") -> requests.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    body = {"code": code, "station_code": station_code}
    return requests.post(center.url + "/api/v1/enroll", json=body, headers=headers, timeout=10)


def _move_clock(center: ServerHandle, ahead: timedelta) -> None:
    """Restart the center with its clock ``ahead`` of the tests' timeline (no real waiting)."""
    center.env[FIXED_TIME_ENV] = f"{(CENTER_CLOCK.now() + ahead).isoformat()}@{SYSTEM_CLOCK.now().timestamp():.6f}"
    center.restart()


def _throttled(reply: requests.Response, most: int) -> int:
    assert reply.status_code == 429, reply.text
    body = reply.json()
    assert body["code"] == "too_many_attempts"
    assert "登记码错误次数过多" in body["message"] and "正确的登记码也不能使用" in body["message"]
    wait = int(reply.headers["Retry-After"])
    assert 0 < wait <= most
    assert (f"{wait}秒" if wait < 60 else "分钟") in body["message"]
    return wait


def test_wrong_codes_from_one_address_pause_it_then_a_correct_code_works(center: ServerHandle) -> None:
    for _ in range(3):  # free, whatever station code they name
        assert _enroll(center, "AAAA-BBBB-CCCC", _station_code()).status_code == 400
    mine = _station_code()
    code = issue_enrollment_code(center.database_url, mine, "七组代办站")
    _throttled(_enroll(center, code, mine), most=30)  # a correct code too, while the wait lasts
    with pytest.raises(TooManyAttempts) as caught:  # what the station's client makes of it
        SyncClient(center.url).enroll(code, station_code=mine)
    assert caught.value.status == 429 and 0 < (caught.value.retry_after or 0) <= 30
    assert "登记码错误次数过多" in caught.value.message
    assert isinstance(caught.value, EnrollmentFailed)
    # another address is not held back by this one
    other = _station_code()
    other_code = issue_enrollment_code(center.database_url, other, "八组代办站")
    assert _enroll(center, other_code, other, address="10.20.30.40").status_code == 200

    _move_clock(center, timedelta(seconds=31))
    station_id, token = SyncClient(center.url).enroll(code, station_code=mine)  # the code was not spent
    assert station_id and token
    # the failures still count within the hour: one more wrong code doubles the wait
    assert _enroll(center, "AAAA-BBBB-CCCC", _station_code()).status_code == 400
    assert _throttled(_enroll(center, "AAAA-BBBB-CCCC", _station_code()), most=60) > 30

    _move_clock(center, timedelta(hours=2))  # out of the window: free again
    assert _enroll(center, "AAAA-BBBB-CCCC", _station_code()).status_code == 400


def test_wrong_codes_for_one_station_code_pause_it_from_every_address(center: ServerHandle) -> None:
    target = _station_code()
    code = issue_enrollment_code(center.database_url, target, "九组代办站")
    for n in range(3):
        assert _enroll(center, "AAAA-BBBB-CCCC", target, address=f"10.0.0.{n + 1}").status_code == 400
    _throttled(_enroll(center, code, target, address="10.0.0.99"), most=30)
    # the same address may still enroll another station
    bystander = _station_code()
    bystander_code = issue_enrollment_code(center.database_url, bystander, "十组代办站")
    assert _enroll(center, bystander_code, bystander, address="10.0.0.99").status_code == 200
    _move_clock(center, timedelta(seconds=31))
    assert _enroll(center, code, target, address="10.0.0.99").status_code == 200


def test_failures_are_audited_and_kept_across_a_restart(center: ServerHandle) -> None:
    """The state is the audit log: failures recorded elsewhere (another worker, before a restart) count."""
    target = _station_code()
    engine = make_engine(center.database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            for n in range(5):
                record_enroll_failure(session, f"192.168.1.{n}", target, "登记码无效")
    finally:
        engine.dispose()
    center.restart()
    wait = _throttled(_enroll(center, "AAAA-BBBB-CCCC", target), most=120)
    assert wait > 60  # 3 free, then 30 s doubled twice: 120 s from the last failure


def test_the_wait_doubles_up_to_its_cap() -> None:
    limits = EnrollLimits(free_failures=5, base_wait=timedelta(seconds=30), max_wait=timedelta(minutes=15))
    last = CENTER_START.isoformat()
    waits = [_wait(limits, failures, last, CENTER_START) for failures in range(4, 14)]
    assert waits == [0, 30, 60, 120, 240, 480, 900, 900, 900, 900]
    assert _wait(limits, 10_000, last, CENTER_START) == 900


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in LIMITS.items():
        monkeypatch.setenv(name, value)
    assert EnrollLimits.from_env() == EnrollLimits(3, timedelta(seconds=30), timedelta(minutes=2), timedelta(hours=1))
    monkeypatch.setenv("DAIBANTONG_ENROLL_FREE_FAILURES", "0")
    with pytest.raises(SystemExit, match="正整数"):
        EnrollLimits.from_env()


def test_a_burst_of_wrong_codes_sent_at_once_is_counted_one_by_one(center: ServerHandle) -> None:
    """Before, the tries of a parallel burst were all checked before any was recorded: ~40 got through."""
    station_code = _station_code()
    start = threading.Barrier(24)

    def attempt(n: int) -> int:
        start.wait()
        return _enroll(center, f"WRNG-{n:04d}-ZZZZ", station_code, address=f"10.9.{n}.1").status_code

    with ThreadPoolExecutor(24) as pool:
        statuses = list(pool.map(attempt, range(24)))
    free = int(LIMITS["DAIBANTONG_ENROLL_FREE_FAILURES"])
    assert sorted(statuses) == [400] * free + [429] * (24 - free), statuses
