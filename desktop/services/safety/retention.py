"""保存期限: archive closed cases automatically once the period the town center set has passed.

``archive_expired`` runs at start and daily on a worker (never on the GUI thread). Each case is
archived in a transaction of its own by the system (actor ``系统（保存期限）``, the period and the
day the case was closed in the payload), through the same fold as a clerk's 归档: a case with an
original still out is refused and left for the clerk, who sees it on the home page under
超期未归档 (``expired_unarchived``). Running it twice archives nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from desktop.store import event_log, settings
from desktop.store.models import CaseRow, CenterEventRow, EventRow
from sync.domain.case_rules import FINISHED
from sync.domain.clock import beijing, beijing_day, day_start_stamp, stamp
from sync.domain.errors import DomainError
from sync.domain.projection import originals_blocking_archive
from sync.domain.retention import CLOSING_EVENT_TYPES, RETENTION_ACTOR, RetentionPolicy

from ..casework.case_list import summaries_where
from ..casework.records import CaseSummary
from ..context import ServiceContext
from ..station import require_station

log = logging.getLogger(__name__)

#: The settings key the published period is kept under (``apply_center_events`` stores it).
RETENTION = "retention"
CHUNK = 500
_FINISHED = tuple(sorted(s.value for s in FINISHED))


@dataclass(frozen=True)
class RetentionRun:
    """What one run did: case numbers archived, and those refused (case number, reason)."""

    policy: RetentionPolicy
    archived: tuple[str, ...] = ()
    archived_ids: tuple[str, ...] = ()
    blocked: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        if not self.archived and not self.blocked:
            return ""
        text = f"已按保存期限（办结后{self.policy.closed_case_days}天）自动归档 {len(self.archived)} 件"
        if self.blocked:
            text += f"；{len(self.blocked)} 件因原件未退还不能归档，见首页“超期未归档”"
        return text


def retention_policy(ctx: ServiceContext) -> RetentionPolicy:
    """The period the town center published, else the default."""
    with ctx.db.reading() as session:
        published = settings.get(session, RETENTION)
    if published:
        try:
            return RetentionPolicy.from_dict(published)
        except DomainError:
            log.warning("stored retention period is not valid; using the default")
    return RetentionPolicy()


def closed_on(session: Session, case_ids: Sequence[str]) -> dict[str, date]:
    """The (local) day each case was closed: its last closing event, the station's or the center's."""
    closing = sorted(CLOSING_EVENT_TYPES)
    found: dict[str, str] = {}
    queries = (
        select(EventRow.case_id, func.max(EventRow.occurred_at))
        .where(EventRow.case_id.in_(case_ids), EventRow.type.in_(closing))
        .group_by(EventRow.case_id),
        select(CenterEventRow.case_id, func.max(CenterEventRow.occurred_at))
        .where(
            CenterEventRow.case_id.in_(case_ids),
            CenterEventRow.type.in_(closing),
            CenterEventRow.conflict.is_(None),
        )
        .group_by(CenterEventRow.case_id),
    )
    for query in queries:
        for case_id, at in session.execute(query):
            if case_id and at and at > found.get(case_id, ""):
                found[case_id] = at
    return {case_id: beijing_day(at) for case_id, at in found.items()}


def _expired_ids(ctx: ServiceContext, policy: RetentionPolicy, today: date, limit: int | None) -> Iterable[str]:
    """Closed, unarchived cases whose period has passed, oldest registration first (at most ``limit`` read)."""
    # A case closed before the cutoff was registered before it: the registration index narrows the scan.
    before = day_start_stamp(policy.cutoff(today) + timedelta(days=1))
    after = ("", "")
    read = 0
    while limit is None or read < limit:
        size = CHUNK if limit is None else min(CHUNK, limit - read)
        with ctx.db.reading() as session:
            rows = session.execute(
                select(CaseRow.case_id, CaseRow.registered_at)
                .where(
                    CaseRow.state.in_(_FINISHED),
                    CaseRow.registered_at < before,
                    tuple_(CaseRow.registered_at, CaseRow.case_id) > after,
                )
                .order_by(CaseRow.registered_at, CaseRow.case_id)
                .limit(size)
            ).all()
            if not rows:
                return
            closed = closed_on(session, [r.case_id for r in rows])
        read += len(rows)
        after = (rows[-1].registered_at, rows[-1].case_id)
        for r in rows:
            day = closed.get(r.case_id)
            if day is not None and policy.expired(day, today):
                yield r.case_id


def archive_expired(ctx: ServiceContext) -> RetentionRun:
    """Archive every closed case older than the period (each in its own transaction)."""
    station = require_station(ctx)
    policy = retention_policy(ctx)
    now = ctx.clock.now()
    today = beijing(now).date()
    archived: list[tuple[str, str]] = []
    blocked: list[tuple[str, str]] = []
    for case_id in list(_expired_ids(ctx, policy, today, None)):
        case_no = case_id
        try:
            with ctx.db.transaction() as session:
                view = event_log.load_case(session, case_id)
                if view is None or view.state not in FINISHED:
                    continue  # archived or changed meanwhile
                case_no = view.case_no
                out = originals_blocking_archive(view)
                if out:
                    blocked.append((view.case_no, f"原件未退还：{'、'.join(out)}"))
                    continue
                closed = closed_on(session, [case_id]).get(case_id)
                event_log.append(
                    session,
                    station_id=station.station_id,
                    type="case.archive",
                    payload={
                        "case_id": case_id,
                        "archived_on": today.isoformat(),
                        "retention_days": policy.closed_case_days,
                        "closed_on": closed.isoformat() if closed else "",
                    },
                    actor=RETENTION_ACTOR,
                    occurred_at=stamp(now),
                )
                archived.append((case_id, view.case_no))
        except DomainError as exc:  # the fold refused: the clerk sees the case under 超期未归档
            blocked.append((case_no, exc.message))
    if archived or blocked:
        log.info("retention: %d archived, %d refused", len(archived), len(blocked))
    return RetentionRun(
        policy=policy,
        archived=tuple(no for _, no in archived),
        archived_ids=tuple(cid for cid, _ in archived),
        blocked=tuple(blocked),
    )


def expired_unarchived(ctx: ServiceContext, limit: int = 200, scan: int = 500) -> tuple[list[CaseSummary], int]:
    """超期未归档: closed cases past the period that are still not archived (an original is out).

    Reads at most ``scan`` candidates (oldest first), to keep the home page fast: after the daily run only the
    refused cases remain among them (on the 100,000-case benchmark station, where no run ever happened, reading
    2,000 candidates doubled the home page's 21 ms).
    """
    ids = list(_expired_ids(ctx, retention_policy(ctx), ctx.today(), scan))
    if not ids:
        return [], 0
    shown = ids[:limit]
    marks = ", ".join(f":c{i}" for i in range(len(shown)))
    params = {f"c{i}": case_id for i, case_id in enumerate(shown)}
    with ctx.db.reading() as session:
        rows, _ = summaries_where(session, ctx, f"case_id IN ({marks})", params, "registered_at", limit)
    return rows, len(ids)
