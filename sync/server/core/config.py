"""Settings from the environment (12-factor): ``DATABASE_URL`` picks the database."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync import __version__
from sync.domain.clock import SYSTEM_CLOCK, Clock, FixedClock

DEFAULT_DATABASE_URL = "sqlite:///./town_center.db"


@dataclass(frozen=True)
class EnrollLimits:
    """Throttling of wrong enrollment codes (``services.enroll_throttle``), per address and per station code."""

    #: Wrong codes within ``window`` that cost nothing (``DAIBANTONG_ENROLL_FREE_FAILURES``).
    free_failures: int = 5
    #: The wait after the last free failure, doubled per further one (``DAIBANTONG_ENROLL_WAIT_SECONDS``).
    base_wait: timedelta = timedelta(seconds=30)
    #: The longest wait (``DAIBANTONG_ENROLL_MAX_WAIT_SECONDS``).
    max_wait: timedelta = timedelta(minutes=15)
    #: How far back failures count (``DAIBANTONG_ENROLL_WINDOW_MINUTES``).
    window: timedelta = timedelta(hours=1)

    @classmethod
    def from_env(cls) -> EnrollLimits:
        return cls(
            free_failures=_positive("DAIBANTONG_ENROLL_FREE_FAILURES", 5),
            base_wait=timedelta(seconds=_positive("DAIBANTONG_ENROLL_WAIT_SECONDS", 30)),
            max_wait=timedelta(seconds=_positive("DAIBANTONG_ENROLL_MAX_WAIT_SECONDS", 15 * 60)),
            window=timedelta(minutes=_positive("DAIBANTONG_ENROLL_WINDOW_MINUTES", 60)),
        )


@dataclass(frozen=True)
class LoginLimits:
    """Locking a staff account after wrong passwords (``services.staff_login.record_failed_login``)."""

    #: Wrong passwords in a row that lock the account (``DAIBANTONG_LOGIN_MAX_FAILURES``).
    max_failures: int = 5
    #: How long the lock holds; wrong passwords further apart than this do not add up
    #: (``DAIBANTONG_LOGIN_LOCK_MINUTES``).
    lock_time: timedelta = timedelta(minutes=15)

    @classmethod
    def from_env(cls) -> LoginLimits:
        return cls(
            max_failures=_positive("DAIBANTONG_LOGIN_MAX_FAILURES", 5),
            lock_time=timedelta(minutes=_positive("DAIBANTONG_LOGIN_LOCK_MINUTES", 15)),
        )


@dataclass(frozen=True)
class BlobLimits:
    """Scans a station may keep at the center (``services.blobs``)."""

    #: Bytes of one station's scans, complete or being uploaded (``DAIBANTONG_BLOB_QUOTA_MB``): 20 GB is
    #: about two years of a busy station (450 cases a month, five 300 KB scans each).
    quota_bytes: int = 20 * 1024**3
    #: An upload not finished after this long is dropped (``DAIBANTONG_INCOMPLETE_BLOB_HOURS``); the station
    #: starts it again from the beginning at its next sync.
    incomplete_max_age: timedelta = timedelta(hours=72)

    @classmethod
    def from_env(cls) -> BlobLimits:
        return cls(
            quota_bytes=_positive("DAIBANTONG_BLOB_QUOTA_MB", 20 * 1024) * 1024**2,
            incomplete_max_age=timedelta(hours=_positive("DAIBANTONG_INCOMPLETE_BLOB_HOURS", 72)),
        )


def _positive(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise SystemExit(f"{name} 应为正整数：{text!r}")
    return int(text)


def _trusted_proxies(text: str) -> str:
    """ "" when the proxy headers are to be ignored, else uvicorn's ``forwarded_allow_ips``."""
    value = ",".join(part.strip() for part in text.split(",") if part.strip())
    return "" if value.lower() in ("", "none") else value


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
    enroll_limits: EnrollLimits = EnrollLimits()
    login_limits: LoginLimits = LoginLimits()
    blob_limits: BlobLimits = BlobLimits()
    #: The center's Ed25519 key for the return files it signs, outside the database
    #: (``DAIBANTONG_SIGNING_KEY_FILE``; unset: ``core.signing.signing_key_path`` picks the place).
    signing_key_file: Path | None = None
    #: The key that seals personal data at rest, outside the database (``DAIBANTONG_DATA_KEY_FILE``; unset:
    #: ``core.sealing.data_key_path`` picks the place). Lost, the sealed 身份证 numbers, phones and ink are lost.
    data_key_file: Path | None = None
    #: The most PostgreSQL connections one worker process holds (``DAIBANTONG_DB_POOL_SIZE``); keep
    #: workers × this ≤ ``max_connections`` − 10 (docs/operations.md). No effect on SQLite.
    db_pool_size: int = 40
    #: Addresses of the reverse proxies whose ``X-Forwarded-For``/``X-Forwarded-Proto`` are believed
    #: (``DAIBANTONG_TRUSTED_PROXIES``: comma-separated addresses or networks, ``*`` for any, ``none`` to
    #: ignore the headers). Then the audit log and the enrollment throttle see the client's address, and
    #: staff cookies get ``Secure`` behind an https proxy. Default: a proxy on the same host.
    trusted_proxies: str = "127.0.0.1,::1"
    #: Who may read ``/metrics`` (``DAIBANTONG_METRICS_TOKEN``): with a token, requests carrying
    #: ``Authorization: Bearer <token>``; without one, the server itself only (``api.metrics``).
    metrics_token: str = field(default="", repr=False)
    #: The one clock of the center (Beijing time): pages, decisions, sessions and stored times.
    clock: Clock = field(default=SYSTEM_CLOCK, compare=False)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            min_protocol_version=os.environ.get("DAIBANTONG_MIN_PROTOCOL", "1.0"),
            enrollment_code_days=int(os.environ.get("DAIBANTONG_ENROLL_CODE_DAYS", "7")),
            current_app_version=os.environ.get("DAIBANTONG_CURRENT_APP_VERSION", __version__),
            stale_days=int(os.environ.get("DAIBANTONG_STALE_DAYS", "7")),
            center_name=os.environ.get("DAIBANTONG_CENTER_NAME", "镇为民服务中心"),
            enroll_limits=EnrollLimits.from_env(),
            login_limits=LoginLimits.from_env(),
            blob_limits=BlobLimits.from_env(),
            signing_key_file=Path(key_file) if (key_file := os.environ.get("DAIBANTONG_SIGNING_KEY_FILE")) else None,
            data_key_file=Path(data_key) if (data_key := os.environ.get("DAIBANTONG_DATA_KEY_FILE")) else None,
            db_pool_size=_positive("DAIBANTONG_DB_POOL_SIZE", 40),
            metrics_token=os.environ.get("DAIBANTONG_METRICS_TOKEN", "").strip(),
            trusted_proxies=_trusted_proxies(os.environ.get("DAIBANTONG_TRUSTED_PROXIES", "127.0.0.1,::1")),
            clock=clock_from_env(os.environ.get(FIXED_TIME_ENV, "")),
        )


#: An ISO-8601 instant with its offset ("2026-11-23T10:00:00+08:00"): the center's clock starts there when
#: the process starts, and runs on (a training server, tests). With "@<Unix seconds>" after it, the clock
#: stood there at that moment of the system clock, so that several processes share one timeline.
#: Unset in production: the system clock.
FIXED_TIME_ENV = "DAIBANTONG_FIXED_TIME"


def clock_from_env(value: str) -> Clock:
    text = value.strip()
    if not text:
        return SYSTEM_CLOCK
    instant, _, anchor = text.partition("@")
    try:
        start = datetime.fromisoformat(instant)
        if anchor:
            start += SYSTEM_CLOCK.now() - datetime.fromtimestamp(float(anchor), UTC)
        return FixedClock(start)
    except ValueError:
        raise SystemExit(f"{FIXED_TIME_ENV} 应为带时区的时间，例如 2026-11-23T10:00:00+08:00：{value!r}") from None


def db_kind(url: str) -> str:
    """ "sqlite" or "postgresql" (the dialect part of the URL)."""
    return url.split(":", 1)[0].split("+", 1)[0]
