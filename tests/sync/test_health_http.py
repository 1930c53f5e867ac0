"""``/api/v1/health`` checks the database (503 in Chinese when it cannot), ``/api/v1/live`` never touches it."""

from __future__ import annotations

import contextlib
import socket
import uuid

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from sync import __version__
from tests.conftest import require_postgres

from .fault_proxy import CuttingProxy
from .live_server import ServerHandle, postgres_schema_url, start_server


def test_health_and_live_answer_with_the_version(live_server: ServerHandle) -> None:
    health = requests.get(live_server.url + "/api/v1/health", timeout=10)
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["version"] == __version__
    assert body["db"] in {"sqlite", "postgresql"} and body["protocol_version"]
    live = requests.get(live_server.url + "/api/v1/live", timeout=10)
    assert live.status_code == 200 and live.json() == {"status": "ok", "version": __version__}


def test_health_is_503_when_postgresql_is_gone_while_live_stays_200() -> None:
    """The server reaches PostgreSQL through a proxy; closing the proxy and ending the server's sessions
    leaves it without a database: readiness fails in Chinese, liveness does not notice."""
    proxy = CuttingProxy(target_port=5432, enabled=False)
    tag = f"health_{uuid.uuid4().hex[:8]}"
    with postgres_schema_url(require_postgres()) as direct:
        proxy_port = int(make_url(proxy.url.replace("http", "postgresql", 1)).port or 0)
        url = make_url(direct).set(host="127.0.0.1", port=proxy_port)
        url = url.update_query_dict({"application_name": tag})
        handle = start_server(url.render_as_string(hide_password=False))
        try:
            proxy.stop()
            with contextlib.suppress(OSError):  # wakes the proxy's accept() so that it sees it is stopped
                socket.create_connection(("127.0.0.1", proxy_port), timeout=2).close()
            admin = sa.create_engine(direct)
            with admin.begin() as conn:
                conn.execute(
                    sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :a"),
                    {"a": tag},
                )
            admin.dispose()
            down = requests.get(handle.url + "/api/v1/health", timeout=30)
            assert down.status_code == 503
            assert down.json() == {
                "code": "service_unavailable",
                "message": "镇中心数据库暂时无法连接，请稍后再试或联系管理员",
            }
            assert requests.get(handle.url + "/api/v1/live", timeout=10).status_code == 200
        finally:
            handle.stop()


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/live"])
def test_probes_need_no_credentials(live_server: ServerHandle, path: str) -> None:
    assert requests.get(live_server.url + path, timeout=10, headers={"Authorization": "Bearer nonsense"}).ok
