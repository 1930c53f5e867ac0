"""The town center's address as connected: remembered for 连接镇中心, and the warning when it is plain http."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.store import settings
from sync.client.address import is_unencrypted

from ..context import ServiceContext
from .center_sync import SERVER

UNENCRYPTED_WARNING = "⚠ 与镇中心的连接未加密（http，仅限镇内局域网）"


def link_warning(ctx: ServiceContext) -> str:
    """The warning to show while the stored center address is plain ``http://`` off this PC; else ""."""
    with ctx.db.reading() as session:
        server = settings.get(session, SERVER)
    return UNENCRYPTED_WARNING if server and is_unencrypted(str(server.get("url", ""))) else ""


@dataclass(frozen=True)
class CenterAddress:
    url: str
    allow_http: bool


def remembered(ctx: ServiceContext) -> CenterAddress | None:
    """The address this station connected to (None before the first connection), to fill 连接镇中心 in."""
    with ctx.db.reading() as session:
        server = settings.get(session, SERVER)
    if not server or not server.get("url"):
        return None
    return CenterAddress(str(server["url"]), bool(server.get("allow_http", False)))
