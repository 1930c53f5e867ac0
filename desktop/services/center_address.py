"""Whether the connection to the town center is encrypted: for the warning in the main window."""

from __future__ import annotations

from desktop.store import settings
from sync.client.address import is_unencrypted

from .context import ServiceContext
from .sync import SERVER

UNENCRYPTED_WARNING = "⚠ 与镇中心的连接未加密（http，仅限镇内局域网）"


def link_warning(ctx: ServiceContext) -> str:
    """The warning to show while the stored center address is plain ``http://`` off this PC; else ""."""
    with ctx.db.reading() as session:
        server = settings.get(session, SERVER)
    return UNENCRYPTED_WARNING if server and is_unencrypted(str(server.get("url", ""))) else ""
