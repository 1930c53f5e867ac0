"""Readiness and liveness: ``GET /api/v1/health`` (the database answers) and ``GET /api/v1/live`` (the process does).

A load balancer or systemd watchdog restarts a worker whose ``/live`` stops answering; it takes a host out of
rotation while its ``/health`` answers 503 (the database is down or unreachable), without restarting it.
"""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from sync import __version__
from sync.protocol.models import ErrorCode, HealthReply

from ...core.config import db_kind
from ...core.db import DatabaseUnreachable, ping
from ..deps import SettingsDep
from ..errors import error

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


class LiveReply(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


@router.get(
    "/health",
    response_model=HealthReply,
    responses={503: {"description": "数据库无法连接"}},
)
def health(request: Request, settings: SettingsDep) -> HealthReply:
    """200 when a ``SELECT 1`` on the database succeeds; 503 (``service_unavailable``) when it does not."""
    try:
        ping(request.app.state.engine)
    except DatabaseUnreachable as exc:
        log.error("数据库无法连接：%s", exc)
        raise error(503, ErrorCode.UNAVAILABLE, "镇中心数据库暂时无法连接，请稍后再试或联系管理员") from exc
    return HealthReply(version=__version__, db=db_kind(settings.database_url))


@router.get("/live", response_model=LiveReply)
def live() -> LiveReply:
    """The process answers; the database is not touched."""
    return LiveReply(version=__version__)
