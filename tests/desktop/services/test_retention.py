"""保存期限: closed cases are archived by the system once the period has passed (fixed clock)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.case_detail import case_history
from desktop.services.casework.cases import get_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.casework.handovers import record_handover
from desktop.services.casework.home import home
from desktop.services.context import ServiceContext
from desktop.services.safety.retention import archive_expired, expired_unarchived, retention_policy
from desktop.services.station import require_station
from desktop.services.syncing.center_sync import apply_center_events
from desktop.store import event_log
from desktop.store.models import EventRow
from sync.domain import events
from sync.domain.case_rules import CaseState
from sync.domain.errors import ValidationError
from sync.domain.events import CENTER, new_event
from sync.domain.reference import RETENTION_PUBLISHED, retention_payload
from sync.domain.retention import DEFAULT_CLOSED_CASE_DAYS, RETENTION_ACTOR, RetentionPolicy, parse_days

from .workflow_helpers import center, feedback, handover, registered

TODAY = date(2026, 11, 23)


def withdrawn_on(ctx: ServiceContext, on_day: Callable[[date], None], day: date) -> str:
    on_day(day)
    case_id = registered(ctx)
    workflow.withdraw(ctx, case_id, "申请人不再办理")
    return case_id


def rated_with_originals_out(ctx: ServiceContext, on_day: Callable[[date], None], day: date) -> str:
    """A case closed (已反馈) on ``day`` whose originals are still with the clerk."""
    on_day(day)
    case_id = registered(ctx)
    record_handover(ctx, case_id, handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    give_feedback(ctx, case_id, feedback(ctx, case_id, 5))
    return case_id


def _event_count(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return event_log.count_events(session)


def test_policy_defaults_and_validation() -> None:
    assert RetentionPolicy().closed_case_days == DEFAULT_CLOSED_CASE_DAYS == 90
    assert RetentionPolicy().is_default and "默认" in RetentionPolicy().label
    assert parse_days(" 30 ") == 30
    for bad in ("", "三十", "0", "99999", "1.5"):
        with pytest.raises(ValidationError):
            parse_days(bad)
    with pytest.raises(ValidationError):
        RetentionPolicy.from_dict({"closed_case_days": True})
    policy = RetentionPolicy(90)
    assert policy.expired(date(2026, 8, 24), TODAY) and not policy.expired(date(2026, 8, 25), TODAY)


def test_retention_picks_exactly_the_expired_cases_and_is_idempotent(
    ctx: ServiceContext, on_day: Callable[[date], None]
) -> None:
    assert ctx.today() == TODAY
    old = withdrawn_on(ctx, on_day, date(2026, 8, 1))
    just_over = withdrawn_on(ctx, on_day, date(2026, 8, 24))  # 91 days before today
    just_under = withdrawn_on(ctx, on_day, date(2026, 8, 25))  # 90 days: not yet
    on_day(date(2026, 6, 1))
    still_open = registered(ctx)  # registered long ago, never closed
    # Registered long ago but closed only recently: the closing day counts, not the registration.
    on_day(date(2026, 6, 1))
    late = registered(ctx)
    on_day(date(2026, 11, 1))
    workflow.terminate(ctx, late, "申请人已迁出")
    blocked = rated_with_originals_out(ctx, on_day, date(2026, 7, 1))
    on_day(TODAY)

    run = archive_expired(ctx)
    assert set(run.archived_ids) == {old, just_over}
    assert [no for no, _ in run.blocked] == [get_case(ctx, blocked).case_no]
    assert "原件未退还" in run.blocked[0][1] and "见首页" in run.message
    for case_id in (old, just_over):
        assert get_case(ctx, case_id).state is CaseState.ARCHIVED
    assert get_case(ctx, just_under).state is CaseState.WITHDRAWN
    assert get_case(ctx, late).state is CaseState.TERMINATED
    assert get_case(ctx, still_open).state is CaseState.ACCEPTED
    assert get_case(ctx, blocked).state is CaseState.FEEDBACK_DONE

    with ctx.db.reading() as session:
        row = session.query(EventRow).filter(EventRow.case_id == old, EventRow.type == "case.archive").one()
    assert row.actor == RETENTION_ACTOR
    assert row.payload["retention_days"] == 90 and row.payload["closed_on"] == "2026-08-01"
    assert row.payload["archived_on"] == TODAY.isoformat()
    assert "超过保存期限（办结后90天）" in case_history(ctx, old)[-1].sentence

    before = _event_count(ctx)
    again = archive_expired(ctx)  # idempotent: nothing archived twice
    assert again.archived == () and _event_count(ctx) == before
    with ctx.db.transaction() as session:
        event_log.verify(session)

    # The refused case is on the home page for the clerk.
    listed, total = expired_unarchived(ctx)
    assert [c.case_id for c in listed] == [blocked] and total == 1
    view = home(ctx)
    assert [c.case_id for c in view.retention_overdue] == [blocked] and view.totals["retention_overdue"] == 1

    # Once the originals are back, the next run archives it.
    record_handover(ctx, blocked, handover(ctx, blocked, "clerk", "villager"))
    assert archive_expired(ctx).archived_ids == (blocked,)
    assert home(ctx).retention_overdue == ()


def test_a_period_published_by_the_center_applies(ctx: ServiceContext, on_day: Callable[[date], None]) -> None:
    recent = withdrawn_on(ctx, on_day, date(2026, 11, 1))
    on_day(TODAY)
    assert archive_expired(ctx).archived == ()
    station = require_station(ctx)
    event = new_event(
        station_id=station.station_id,
        seq=1,
        prev_hash=events.GENESIS_HASH,
        type=RETENTION_PUBLISHED,
        payload=retention_payload({"closed_case_days": 14, "published_at": "2026-11-20", "published_by": "张主任"}),
        actor="张主任（镇中心主任）",
        occurred_at=ctx.clock.stamp(),
        origin=CENTER,
    )
    apply_center_events(ctx, [event])
    policy = retention_policy(ctx)
    assert policy.closed_case_days == 14 and not policy.is_default and "镇中心发布" in policy.label
    assert archive_expired(ctx).archived_ids == (recent,)
