"""API fuzzing with schemathesis against the server's own /openapi.json: no input gives a 500.

Every operation gets a bounded number of generated requests three times over: anonymous, as an
enrolled station (bearer token) and as a logged-in director (session cookie).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .helpers import staff_as

EXAMPLES = int(os.environ.get("DAIBANTONG_FUZZ_EXAMPLES", "15"))


def _operations(server: ServerHandle) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.slow
def test_no_input_gives_a_server_error(live_server: ServerHandle, station: Station) -> None:
    director = staff_as(live_server, "director")
    identities = {
        "anonymous": {},
        "station": {"Authorization": f"Bearer {station.client.token}"},
        "director": {"Cookie": f"dbt_staff={director.http.cookies.get('dbt_staff')}"},
    }
    operations = _operations(live_server)
    assert any(op.path.startswith("/center") for op in operations)
    assert any(op.path.startswith("/api/v1/sync") for op in operations)
    failures: list[str] = []
    for op in operations:
        for who, headers in identities.items():
            _fuzz(live_server, op, who, headers, failures)
    assert not failures, "\n".join(failures[:20])


def _fuzz(
    server: ServerHandle, op: schemathesis.APIOperation, who: str, headers: dict[str, str], failures: list[str]
) -> None:
    @given(case=op.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(base_url=server.url, headers=headers, timeout=30, allow_redirects=False)
        if response.status_code >= 500:
            failures.append(f"{who} {op.method.upper()} {op.path}: {response.status_code} {case.as_curl_command()}")

    fuzz()
