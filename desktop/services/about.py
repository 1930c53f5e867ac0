"""关于代办通: what support needs to know about this installation (Qt-free; read on a worker)."""

from __future__ import annotations

from dataclasses import dataclass

import resources
import sync
from desktop.store.db import current_revision, head_revision
from sync.protocol import PROTOCOL_VERSION

from .context import ServiceContext
from .safety.retention import retention_policy
from .station import current_station

APP_NAME = "代办通"
#: The font notes and license texts shown in the About box (resources/fonts).
FONT_FILES = ("fonts/README.txt", "fonts/ARPHICPL.txt", "fonts/Apache-2.0.txt")


@dataclass(frozen=True)
class AboutInfo:
    app_name: str
    version: str
    protocol_version: str
    station: str
    data_dir: str
    schema_revision: str
    database_revision: str
    retention: str
    font_licenses: str

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) lines, as shown and as copied for support."""
        schema = self.schema_revision
        if self.database_revision != self.schema_revision:
            schema += f"（本机数据库：{self.database_revision or '未知'}）"
        return [
            ("程序", self.app_name),
            ("版本", self.version),
            ("同步协议版本", self.protocol_version),
            ("代办站", self.station),
            ("数据文件夹", self.data_dir),
            ("数据库结构版本", schema),
            ("保存期限", self.retention),
        ]

    def support_text(self) -> str:
        return "\n".join(f"{label}：{value}" for label, value in self.rows())


def _font_licenses() -> str:
    parts = []
    for name in FONT_FILES:
        try:
            parts.append(resources.read_text(name).strip())
        except OSError:
            parts.append(f"（缺少文件 {name}）")
    return "\n\n" + ("\n\n" + "—" * 30 + "\n\n").join(parts)


def about(ctx: ServiceContext) -> AboutInfo:
    station = current_station(ctx)
    return AboutInfo(
        app_name=APP_NAME,
        version=sync.__version__,
        protocol_version=PROTOCOL_VERSION,
        station=f"{station.name}（{station.code}）" if station else "尚未设置",
        data_dir=str(ctx.db.data_dir),
        schema_revision=head_revision(),
        database_revision=current_revision(ctx.db.engine) or "",
        retention=retention_policy(ctx).label,
        font_licenses=_font_licenses().strip(),
    )
