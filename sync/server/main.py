"""The ASGI app: ``create_app()``; migrations run at startup (``alembic upgrade head``)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse

from sync import __version__

from .api import errors, metrics
from .api.body_limit import BodyLimit
from .api.routes import blobs, exchange, health, releases, stations
from .core.config import Settings
from .core.data_key import DataKeyMismatch, center_data_key, data_key_path
from .core.db import make_engine, make_sessionmaker
from .core.migrate import upgrade_head
from .core.sealing import check_data_key
from .web import router as web_router
from .web.deps import PREFIX as WEB_PREFIX

API_PREFIX = "/api/v1"
#: Set by ``python -m sync.server --workers N``, which migrates once before starting the workers.
SKIP_MIGRATE_ENV = "DAIBANTONG_SKIP_MIGRATE"


def create_app(settings: Settings | None = None, *, migrate: bool | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    if migrate is None:
        migrate = os.environ.get(SKIP_MIGRATE_ENV) != "1"
    engine = make_engine(settings.database_url, pool_connections=settings.db_pool_size)
    key_path = data_key_path(settings)
    data_key = center_data_key(key_path)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            upgrade_head(engine, data_key, key_path)
        else:  # the parent process migrated; a worker still refuses to start with another key file
            with engine.connect() as connection:
                if not check_data_key(connection, data_key, key_path):
                    raise DataKeyMismatch("数据库尚未升级：请先运行一次 python -m sync.server（不带 --workers）")
        yield
        engine.dispose()

    app = FastAPI(title="代办通 · 镇为民服务中心", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_sessionmaker(engine, settings.clock, data_key)
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(health.router)
    api.include_router(stations.router)
    api.include_router(exchange.router)
    api.include_router(blobs.router)
    api.include_router(releases.router)
    app.include_router(api)
    app.include_router(web_router)
    app.include_router(metrics.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        """Someone typing the server's address lands on the staff pages (the inbox, or its login page)."""
        return RedirectResponse(WEB_PREFIX + "/", status_code=303)

    errors.install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(metrics.MetricsMiddleware)
    return app
