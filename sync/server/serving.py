"""Starting uvicorn for ``python -m sync.server``: migrate once, then one process or ``--workers N``.

With several workers uvicorn binds the listening socket itself with ``socket.socket(family)``, whose
``proto`` is 0; asyncio sets ``TCP_NODELAY`` only on accepted sockets whose proto is ``IPPROTO_TCP``, so
every kept-alive connection to a worker met Nagle's algorithm and the client's delayed ACK (about 40 ms a
request). ``listening_socket`` hands the workers a socket that is TCP by name and has ``TCP_NODELAY`` set
(Linux passes it on to accepted sockets as well).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
from typing import Any

import uvicorn
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from uvicorn.supervisors import Multiprocess

from .api.metrics import MULTIPROC_ENV
from .core.config import Settings
from .core.db import make_engine
from .core.migrate import upgrade_head
from .main import SKIP_MIGRATE_ENV, create_app

log = logging.getLogger("sync.server")

#: Connections left for psql, backups, the CLI and monitoring when sizing the pools (docs/operations.md).
CONNECTION_MARGIN = 10


def serve(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    log_level: str,
    log_config: dict[str, Any] | None = None,
) -> int:
    """Migrate once (under the migration lock), then run uvicorn; each worker builds the app from the environment.
    ``log_config``: uvicorn's logging (``logs.configure``; None: uvicorn's default)."""
    engine = make_engine(settings.database_url)
    try:
        upgrade_head(engine)
        check_pool_size(engine, settings.db_pool_size, workers)
    finally:
        engine.dispose()
    options = proxy_options(settings)
    if log_config is not None:
        options["log_config"] = log_config
    if workers <= 1:
        uvicorn.run(create_app(settings, migrate=False), host=host, port=port, log_level=log_level, **options)
        return 0
    os.environ[SKIP_MIGRATE_ENV] = "1"
    # every worker writes its metrics to files here; the one answering /metrics adds them up (api.metrics)
    metrics_dir = tempfile.mkdtemp(prefix="daibantong-metrics-")
    os.environ[MULTIPROC_ENV] = metrics_dir
    config = uvicorn.Config(
        "sync.server.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        **options,
    )
    try:
        Multiprocess(config, sockets=[listening_socket(config)]).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's ``proxy_headers``/``forwarded_allow_ips`` from ``DAIBANTONG_TRUSTED_PROXIES``: uvicorn then
    takes the client address from ``X-Forwarded-For`` and the scheme from ``X-Forwarded-Proto``, but only on
    connections from those addresses (anyone else could claim any address)."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.trusted_proxies}


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """uvicorn's bound socket for the workers, remade as an ``IPPROTO_TCP`` socket with ``TCP_NODELAY`` on."""
    bound = config.bind_socket()
    if bound.family not in (socket.AF_INET, socket.AF_INET6):
        return bound
    sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.set_inheritable(True)
    return sock


def check_pool_size(engine: Engine, pool_size: int, workers: int) -> None:
    """Warn when ``workers × DAIBANTONG_DB_POOL_SIZE`` could exhaust PostgreSQL's ``max_connections``."""
    if engine.dialect.name != "postgresql":
        return
    try:
        with engine.connect() as connection:
            limit = int(connection.execute(text("SHOW max_connections")).scalar_one())
    except SQLAlchemyError as exc:
        log.warning("无法读取PostgreSQL的max_connections：%s", exc)
        return
    if workers * pool_size > limit - CONNECTION_MARGIN:
        log.warning(
            "数据库连接可能不够：%d个服务进程×每进程最多%d个连接 = %d，"
            "超过PostgreSQL的max_connections（%d）减去预留的%d个；请调小DAIBANTONG_DB_POOL_SIZE或调大max_connections（见docs/operations.md）",
            workers,
            pool_size,
            workers * pool_size,
            limit,
            CONNECTION_MARGIN,
        )
