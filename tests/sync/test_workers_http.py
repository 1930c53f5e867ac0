"""``--workers N``: sockets with TCP_NODELAY (no 40 ms keep-alive stall), a bounded pool per worker."""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
import uvicorn
from sqlalchemy.engine import make_url

from sync.server.core.db import make_engine
from sync.server.serving import check_pool_size, listening_socket
from tests.conftest import require_postgres

from .conftest import enroll_station
from .live_server import postgres_schema_url, serving, start_server


def test_the_workers_socket_is_tcp_and_accepted_connections_get_nodelay() -> None:
    """What uvicorn's workers do with the socket (``loop.create_server(sock=...)``), on a real connection."""
    sock = listening_socket(uvicorn.Config("sync.server.main:create_app", host="127.0.0.1", port=0, workers=2))
    assert sock.proto == socket.IPPROTO_TCP
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    port = sock.getsockname()[1]
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.append(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def accept_one() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Probe, sock=sock)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await reader.read()  # closed by the server once it has looked
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(accept_one())
    assert len(seen) == 1 and seen[0] != 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_workers_serve_stations(backend: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    env = {"DAIBANTONG_DB_POOL_SIZE": "3"}
    with serving(backend, tmp_path_factory, env=env, args=["--workers", "2"]) as server:
        with requests.Session() as session:  # one kept-alive connection, several requests
            for _ in range(5):
                assert session.get(server.url + "/api/v1/health", timeout=10).status_code == 200
        station = enroll_station(server)
        station.chain.new_case()
        reply = station.client.push(station.chain.events)
        assert reply.acked_seq == len(station.chain.events)


def test_a_worker_holds_at_most_the_pool_size_in_postgresql_connections() -> None:
    """Twenty requests at once on one worker with DAIBANTONG_DB_POOL_SIZE=3: all answered, never more than
    three connections of that server at PostgreSQL (the others waited for a free one)."""
    tag = f"pool_{uuid.uuid4().hex[:8]}"
    with postgres_schema_url(require_postgres()) as base:
        url = make_url(base).update_query_dict({"application_name": tag}).render_as_string(hide_password=False)
        server = start_server(url, env={"DAIBANTONG_DB_POOL_SIZE": "3"})
        admin = sa.create_engine(base)
        peak = 0
        try:
            with ThreadPoolExecutor(20) as pool:
                replies = list(
                    pool.map(lambda _: requests.get(server.url + "/api/v1/health", timeout=60).status_code, range(200))
                )
                with admin.connect() as conn:
                    peak = conn.execute(
                        sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a"), {"a": tag}
                    ).scalar_one()
            assert replies == [200] * 200
            assert 1 <= peak <= 3
        finally:
            server.stop()
            admin.dispose()


def test_a_pool_too_large_for_max_connections_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    engine = make_engine(require_postgres())
    try:
        with engine.connect() as conn:
            limit = int(conn.execute(sa.text("SHOW max_connections")).scalar_one())
        with caplog.at_level(logging.WARNING, logger="sync.server"):
            check_pool_size(engine, 10, 1)
            assert not caplog.records
            check_pool_size(engine, limit, 2)
        assert "DAIBANTONG_DB_POOL_SIZE" in caplog.text and "max_connections" in caplog.text
    finally:
        engine.dispose()
