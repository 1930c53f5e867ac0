"""Enrollment codes, tokens, revocation and protocol refusal over real HTTP."""

from __future__ import annotations

import gzip
import uuid
from datetime import datetime, timedelta

import pytest
import requests

from sync.client.client import SyncClient
from sync.client.errors import AuthError, EnrollmentFailed, NotEnrolled, ProtocolOutdated, StationRevoked

from .conftest import Station
from .live_server import CENTER_START, ServerHandle, center_cli, issue_enrollment_code, revoke


def _code() -> str:
    return f"E{uuid.uuid4().hex[:8].upper()}"


def test_code_works_once_and_gives_a_working_token(live_server: ServerHandle) -> None:
    station_code = _code()
    code = issue_enrollment_code(live_server.database_url, station_code, "二组代办站")
    client = SyncClient(live_server.url)
    station_id, token = client.enroll(code, station_code=station_code)
    assert token.startswith("dbt_") and len(token) > 30
    assert client.token == token
    assert client.digest().count == 0
    with pytest.raises(EnrollmentFailed) as caught:
        SyncClient(live_server.url).enroll(code)
    assert caught.value.status == 400
    assert "已使用" in caught.value.message
    me = requests.get(live_server.url + "/api/v1/stations/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert me.json() == {"station_id": station_id, "station_code": station_code, "name": "二组代办站"}


def test_station_keeps_the_id_it_used_offline(live_server: ServerHandle) -> None:
    station_code = _code()
    mine = str(uuid.uuid4())
    code = issue_enrollment_code(live_server.database_url, station_code, "三组代办站")
    station_id, _ = SyncClient(live_server.url).enroll(code, station_id=mine, station_code=station_code)
    assert station_id == mine


def test_code_for_another_station_code_is_refused(live_server: ServerHandle) -> None:
    code = issue_enrollment_code(live_server.database_url, _code(), "四组代办站")
    with pytest.raises(EnrollmentFailed) as caught:
        SyncClient(live_server.url).enroll(code, station_code="OTHER")
    assert "签发" in caught.value.message
    # the refusal did not use the code up
    station_id, _ = SyncClient(live_server.url).enroll(code.lower().replace("-", ""))
    assert station_id


def test_unknown_code_is_refused(live_server: ServerHandle) -> None:
    with pytest.raises(EnrollmentFailed) as caught:
        SyncClient(live_server.url).enroll("AAAA-BBBB-CCCC")
    assert caught.value.field == "code"


def test_client_without_token_says_so_before_asking(live_server: ServerHandle) -> None:
    with pytest.raises(NotEnrolled) as caught:
        SyncClient(live_server.url).digest()
    assert "登记" in caught.value.message


def test_forged_token_is_an_auth_error(live_server: ServerHandle) -> None:
    with pytest.raises(AuthError) as caught:
        SyncClient(live_server.url, token="dbt_not-a-real-token").digest()
    assert caught.value.status == 401


def test_revoked_station_is_refused(station: Station) -> None:
    station.chain.new_case()
    station.client.push(station.chain.events[:1])
    revoke(station.server.database_url, station.station_id, "设备丢失")
    with pytest.raises(StationRevoked) as caught:
        station.client.push(station.chain.events[1:])
    assert caught.value.status == 403
    assert "停用" in caught.value.message and "设备丢失" in caught.value.message
    with pytest.raises(StationRevoked):
        station.client.events()


def test_revoked_station_can_enroll_again_and_keeps_its_data(station: Station) -> None:
    station.chain.new_case()
    station.client.push(station.chain.events)
    revoke(station.server.database_url, station.station_id)
    code = issue_enrollment_code(station.server.database_url, station.code, "重新登记")
    client = SyncClient(station.server.url)
    station_id, _ = client.enroll(code, station_id=station.station_id, station_code=station.code)
    assert station_id == station.station_id
    assert client.digest().count == 3
    with pytest.raises(AuthError):  # the old token stays revoked
        station.client.digest()


def test_outdated_protocol_is_refused_in_chinese(station: Station) -> None:
    hello = station.client.handshake(station.station_id)
    assert hello.accepted and hello.max_batch_events > 0
    ran = datetime.fromisoformat(hello.server_time) - CENTER_START  # the test center's pinned clock, running on
    assert timedelta(0) <= ran < timedelta(hours=6)
    url = station.server.url + "/api/v1/sync/handshake"
    old = requests.post(url, json={"protocol_version": "0.9", "app_version": "0.0.1"}, timeout=5)
    assert old.status_code == 426
    assert old.json()["code"] == "protocol_outdated"
    assert "升级" in old.json()["message"]
    headers = {"Authorization": f"Bearer {station.client.token}", "X-Protocol-Version": "0.1"}
    pushed = requests.get(station.server.url + "/api/v1/sync/digest", headers=headers, timeout=5)
    assert pushed.status_code == 426


def test_client_maps_outdated_protocol(station: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sync.client.client.PROTOCOL_VERSION", "0.5")
    with pytest.raises(ProtocolOutdated) as caught:
        station.client.handshake()
    assert "升级" in caught.value.message


def test_command_line_issues_codes_and_revokes(live_server: ServerHandle) -> None:
    station_code = _code()
    issued = center_cli(live_server, "enroll-code", "--station-code", station_code, "--name", "五组代办站")
    assert issued.returncode == 0, issued.stderr
    code = issued.stdout.strip()
    assert len(code) == 14 and code.count("-") == 2
    client = SyncClient(live_server.url)
    station_id, _ = client.enroll(code, station_code=station_code)
    again = center_cli(live_server, "enroll-code", "--station-code", station_code, "--name", "五组代办站")
    assert again.returncode == 1 and "已登记" in again.stderr
    revoked = center_cli(live_server, "revoke", "--station-id", station_id, "--reason", "撤站")
    assert revoked.returncode == 0, revoked.stderr
    with pytest.raises(StationRevoked):
        client.digest()


def test_a_code_enrolls_only_once_even_when_raced(live_server: ServerHandle) -> None:
    from concurrent.futures import ThreadPoolExecutor

    code = issue_enrollment_code(live_server.database_url, _code(), "六组代办站")

    def attempt(_n: int) -> str:
        try:
            return SyncClient(live_server.url).enroll(code).station_id
        except EnrollmentFailed:
            return "refused"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    assert outcomes.count("refused") == 5


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_oversize_enrollment_is_refused_before_it_is_read(live_server: ServerHandle, declared: bool) -> None:
    """Enrollment needs no token: its body is bounded (16 KB) before anything is parsed, whether the size
    is declared or streamed in chunks, and the server goes on answering."""
    url = live_server.url + "/api/v1/enroll"
    body = b'{"code": "' + b"A" * (2 * 1024 * 1024) + b'", "station_code": "CS01"}'
    data = body if declared else iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
    reply = requests.post(url, data=data, headers={"Content-Type": "application/json"}, timeout=30)
    assert reply.status_code == 413
    assert reply.json()["code"] == "too_large" and "过大" in reply.json()["message"]
    bomb = gzip.compress(b'{"code": "' + b" " * (8 * 1024 * 1024) + b'"}')
    assert len(bomb) < 16 * 1024  # small on the wire, 8 MB once inflated
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    assert requests.post(url, data=bomb, headers=headers, timeout=30).status_code == 413
    assert requests.post(url, json={"code": "XXXX-XXXX-XXXX", "station_code": "CS01"}, timeout=5).status_code == 400
