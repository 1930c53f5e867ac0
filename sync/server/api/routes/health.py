"""Liveness and version: ``GET /api/v1/health``."""

from __future__ import annotations

from fastapi import APIRouter

from sync import __version__
from sync.protocol.models import HealthReply

from ...core.config import db_kind
from ..deps import SettingsDep

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthReply)
def health(settings: SettingsDep) -> HealthReply:
    return HealthReply(version=__version__, db=db_kind(settings.database_url))
