"""``X-Protocol-Version`` and the handshake's version, parsed strictly over real HTTP: garbage is a 400/422."""

from __future__ import annotations

import pytest
import requests

from .conftest import Station


@pytest.mark.parametrize("garbage", ["1.1.1.1.1", "1", "v1.1", "1.1 beta", "１.１"])
def test_garbage_protocol_header_is_a_400_with_a_reason(station: Station, garbage: str) -> None:
    headers = {"Authorization": f"Bearer {station.client.token}", "X-Protocol-Version": garbage.encode("utf-8")}
    for method, path in [("GET", "/api/v1/sync/digest"), ("POST", "/api/v1/enroll")]:
        reply = requests.request(method, station.server.url + path, headers=headers, json={}, timeout=5)
        assert reply.status_code == 400, (path, reply.text)
        body = reply.json()
        assert body["code"] == "invalid_protocol_version"
        assert body["field"] == "X-Protocol-Version"
        assert "无法识别" in body["message"]


def test_garbage_handshake_version_is_a_422_naming_the_field(station: Station) -> None:
    url = station.server.url + "/api/v1/sync/handshake"
    reply = requests.post(url, json={"protocol_version": "1.1.1.1.1", "app_version": "0.1.0"}, timeout=5)
    assert reply.status_code == 422
    assert reply.json()["field"] == "protocol_version"
    assert requests.post(url, json={"protocol_version": "1.1", "app_version": "0.1.0"}, timeout=5).ok


def test_a_well_formed_header_still_works(station: Station) -> None:
    headers = {"Authorization": f"Bearer {station.client.token}", "X-Protocol-Version": "1.1"}
    assert requests.get(station.server.url + "/api/v1/sync/digest", headers=headers, timeout=5).ok
