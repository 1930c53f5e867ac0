"""Settings from the environment (12-factor): ``DATABASE_URL`` picks the database."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sync import __version__

DEFAULT_DATABASE_URL = "sqlite:///./town_center.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    #: Oldest protocol "major.minor" a client may speak.
    min_protocol_version: str = "1.0"
    enrollment_code_days: int = 7
    #: The desktop version stations should run; older ones are highlighted on the stations page.
    current_app_version: str = __version__
    #: A station not synced for this many days is highlighted on the stations page.
    stale_days: int = 7
    #: Printed on the center's own forms (考核统计表).
    center_name: str = "镇为民服务中心"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            min_protocol_version=os.environ.get("DAIBANTONG_MIN_PROTOCOL", "1.0"),
            enrollment_code_days=int(os.environ.get("DAIBANTONG_ENROLL_CODE_DAYS", "7")),
            current_app_version=os.environ.get("DAIBANTONG_CURRENT_APP_VERSION", __version__),
            stale_days=int(os.environ.get("DAIBANTONG_STALE_DAYS", "7")),
            center_name=os.environ.get("DAIBANTONG_CENTER_NAME", "镇为民服务中心"),
        )


def db_kind(url: str) -> str:
    """ "sqlite" or "postgresql" (the dialect part of the URL)."""
    return url.split(":", 1)[0].split("+", 1)[0]
