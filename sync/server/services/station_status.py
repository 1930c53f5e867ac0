"""What each station last reported and when it last synced: recorded on the sync path, shown on the stations page.

* an authenticated handshake (a desktop's first sync with this center after it starts) records the app
  and protocol version and what the station has not yet sent (``pending_events``, ``pending_bytes``,
  ``last_seq`` of its own log);
* every push and pull records the same from its optional ``X-Station-*`` headers and the app version
  from ``User-Agent: daibantong/<version>`` or ``X-App-Version`` (``StatusReport``, ``record_report``);
* every push and USB import (``ingest``) and every pull stamps its time on the station row.

The unsent count shown later is ``last_seq - head_seq`` (what the center still lacks of what the
station had at its last report), so a push counts down without a new report. Old clients send none
of the headers (they greet the center before every sync instead); clients that never report show 未知.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode, Handshake

from ..core.db import clock_of
from ..core.models import DEFAULT_TOWN_ID, EventRow, StationRow
from .blobs import BlobUsage, usage
from .enrollment import authenticate
from .errors import ServiceError
from .signing_keys import pending_fingerprint, register_station_key
from .versions import check_protocol

_VERSION = re.compile(r"^\s*[vV]?(\d+(?:\.\d+)*)")


def record_handshake(session: Session, token: str, hello: Handshake) -> StationRow:
    """Authenticate ``token`` and store what the station says about itself (caller's transaction)."""
    station = authenticate(session, token)
    if hello.station_id is not None and hello.station_id != station.id:
        raise ServiceError(ErrorCode.FORBIDDEN, "本站只能上报自己的状态", field="station_id")
    station.app_version = hello.app_version
    station.protocol_version = hello.protocol_version
    station.last_handshake_at = clock_of(session).stamp()
    station.pending_events = hello.pending_events
    station.pending_bytes = hello.pending_bytes
    station.reported_seq = hello.last_seq
    register_station_key(session, station, hello.signing_public_key)
    session.flush()
    return station


@dataclass(frozen=True)
class StatusReport:
    """What a push or pull says about its station (all optional; validated by the route)."""

    app_version: str | None = None
    protocol_version: str | None = None
    pending_events: int | None = None
    pending_bytes: int | None = None
    last_seq: int | None = None

    def values(self, now: str) -> dict[str, object]:
        """The station-row columns to set: versions when given, the backlog when any part of it is."""
        values: dict[str, object] = {}
        if self.app_version:
            values["app_version"] = self.app_version
        if self.protocol_version:
            values["protocol_version"] = self.protocol_version
        if (self.pending_events, self.pending_bytes, self.last_seq) != (None, None, None):
            values |= {
                "pending_events": self.pending_events,
                "pending_bytes": self.pending_bytes,
                "reported_seq": self.last_seq,
                "last_handshake_at": now,
            }
        return values


_AGENT = re.compile(r"(?:^|\s)daibantong/(\S{1,40})")


def app_version_of(user_agent: str | None, header: str | None = None) -> str | None:
    """``X-App-Version`` when sent, else the version in ``User-Agent: daibantong/<version>``; None for others."""
    if header and header.strip():
        return header.strip()[:40]
    match = _AGENT.search(user_agent or "")
    return match[1] if match else None


def record_report(session: Session, station_id: str, report: StatusReport | None) -> None:
    """Store what a push or pull reported (caller's transaction); nothing when it reported nothing."""
    values = report.values(clock_of(session).stamp()) if report is not None else {}
    if values:
        session.execute(update(StationRow).where(StationRow.id == station_id).values(**values))


def record_pull(session: Session, station_id: str, report: StatusReport | None = None) -> None:
    """Stamp the time of a pull (the last step of every successful sync) and store what it reported."""
    now = clock_of(session).stamp()
    values = (report.values(now) if report is not None else {}) | {"last_pull_at": now}
    session.execute(update(StationRow).where(StationRow.id == station_id).values(**values))


def station_backlog(session: Session) -> tuple[int, int]:
    """Active stations whose last report names events the center lacks, and how many events in all."""
    behind = StationRow.reported_seq - StationRow.head_seq
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(behind), 0)).where(
            StationRow.revoked_at.is_(None), StationRow.reported_seq.is_not(None), behind > 0
        )
    ).one()
    return int(row[0]), int(row[1] or 0)


def version_key(version: str) -> tuple[int, ...] | None:
    """ "0.10.2" → (0, 10, 2), "1.2rc1" → (1, 2); None when it does not start with a number (never called old)."""
    match = _VERSION.match(version)
    return tuple(int(p) for p in match[1].split(".")) if match else None


def older_than(version: str, reference: str) -> bool:
    mine, ref = version_key(version), version_key(reference)
    if mine is None or ref is None:
        return False
    width = max(len(mine), len(ref))
    return mine + (0,) * (width - len(mine)) < ref + (0,) * (width - len(ref))


@dataclass(frozen=True)
class StationOverview:
    id: str
    code: str
    name: str
    enrolled_at: str
    revoked_at: str | None
    revoked_reason: str
    #: Events received (the head of the station's chain) and center events sent to it.
    events: int
    center_events: int
    #: Latest of the last push, pull and USB import ("" when never).
    last_sync: str
    last_push: str
    last_pull: str
    last_import: str
    #: Days since ``last_sync`` (or since enrollment when never synced) beyond ``stale_days``.
    stale: bool
    days_silent: int | None
    #: Still unsent at the station as far as the center knows; None when the station never said.
    pending: int | None
    pending_bytes: int | None
    pending_as_of: str
    app_version: str
    protocol_version: str
    #: Chinese reason why the version is highlighted ("" when current).
    version_warning: str
    #: Events kept in the station's chain but refused (``ingest``), and the last one's seq, field and reason.
    refused: int = 0
    last_refused: str = ""
    #: Its scans at the center: complete ones and uploads under way (``blobs.usage``).
    blobs: BlobUsage = field(default_factory=BlobUsage)
    #: Whether the center holds its signing key for transfer files (``signing_keys``), and since when.
    signing_key_at: str = ""
    #: A key offered in a USB file, awaiting the director's confirmation: its fingerprint and arrival ("" when none).
    pending_key_fingerprint: str = ""
    pending_key_at: str = ""
    #: The town it serves (``towns``; the county's page names it when the deployment has several).
    town_id: int = DEFAULT_TOWN_ID


def _days_between(earlier: str, now: datetime) -> int | None:
    try:
        moment = datetime.fromisoformat(earlier)
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max(0, (now - moment) // timedelta(days=1))


def _overview(st: StationRow, now: datetime, stale_days: int, current_app: str, min_protocol: str) -> StationOverview:
    times = [t for t in (st.last_push_at, st.last_pull_at, st.last_import_at) if t]
    last_sync = max(times) if times else ""
    silent = _days_between(last_sync or st.enrolled_at, now)
    pending: int | None = st.pending_events
    size = st.pending_bytes
    if st.reported_seq is not None:
        pending = max(0, st.reported_seq - st.head_seq)
        if size is not None and st.pending_events:
            size = size * min(pending, st.pending_events) // st.pending_events
    warning = ""
    if st.protocol_version and check_protocol(st.protocol_version, min_protocol):
        warning = f"通信协议{st.protocol_version}低于镇中心要求的{min_protocol}，需升级"
    elif st.app_version and older_than(st.app_version, current_app):
        warning = f"低于当前版本{current_app}，请安排升级"
    return StationOverview(
        id=st.id,
        code=st.code,
        name=st.name,
        enrolled_at=st.enrolled_at,
        revoked_at=st.revoked_at,
        revoked_reason=st.revoked_reason,
        events=st.head_seq,
        center_events=st.center_seq,
        last_sync=last_sync,
        last_push=st.last_push_at or "",
        last_pull=st.last_pull_at or "",
        last_import=st.last_import_at or "",
        stale=st.revoked_at is None and silent is not None and silent >= stale_days,
        days_silent=silent,
        pending=pending,
        pending_bytes=size if pending else (0 if pending == 0 else None),
        pending_as_of=st.last_handshake_at or "",
        app_version=st.app_version or "",
        protocol_version=st.protocol_version or "",
        version_warning=warning,
        town_id=st.town_id,
    )


def stations_overview(
    session: Session,
    *,
    stale_days: int = 7,
    current_app_version: str = "",
    min_protocol_version: str = "1.0",
    now: datetime | None = None,
) -> list[StationOverview]:
    """Every station (by code) with its last sync, what it still has to send and its version."""
    moment = now or clock_of(session).now()
    refused = _refusals(session)
    blobs = usage(session)
    out = []
    for st in session.scalars(select(StationRow).order_by(StationRow.code)):
        row = _overview(st, moment, stale_days, current_app_version, min_protocol_version)
        count, last = refused.get(st.id, (0, ""))
        key_at = (st.signing_key_at or "") if st.signing_public_key else ""
        out.append(
            replace(
                row,
                refused=count,
                last_refused=last,
                blobs=blobs.get(st.id, BlobUsage()),
                signing_key_at=key_at,
                pending_key_fingerprint="" if st.signing_public_key else pending_fingerprint(st),
                pending_key_at="" if st.signing_public_key else (st.pending_signing_key_at or ""),
            )
        )
    return out


def _refusals(session: Session) -> dict[str, tuple[int, str]]:
    """station id → (refused events, "第n号记录（field）：reason" of the last one), over ``ix_events_refused``."""
    counts = session.execute(
        select(EventRow.station_id, func.count(), func.max(EventRow.seq))
        .where(EventRow.refused.is_not(None))
        .group_by(EventRow.station_id)
    ).all()
    out: dict[str, tuple[int, str]] = {}
    for station_id, count, seq in counts:
        last = session.execute(
            select(EventRow.refused, EventRow.refused_field).where(
                EventRow.station_id == station_id, EventRow.seq == seq
            )
        ).one()
        field = f"（{last.refused_field}）" if last.refused_field and last.refused_field not in last.refused else ""
        out[station_id] = (int(count), f"第{seq}号记录{field}：{last.refused}")
    return out
