"""The center's case projection under pushed station events: re-check, apply, or keep as a conflict.

Every station event about a case is re-checked with ``apply_event`` against
the stored projection (station and center events together). When it does not
fit there are two cases:

* the center changed the case after the station's last accepted event for it
  (``center_since_station``), or the case is already in conflict: the station
  acted on a state it had not yet heard the center leave. The event is a fact
  of the station's chain, so it is **stored**, the projection keeps the
  center's state, and the case carries ``conflict`` (a Chinese reason) for the
  staff; the push reply lists it so the station shows it too. Refusing it
  would block every later event of the station, since chains have no holes;
* otherwise nothing the center did explains it: the station produced a move
  its own state machine forbids (a bug, an older version, tampering), as with
  invalid payloads (``ValidationError``) in any case. The event is **refused**:
  it changes no case, and ``ingest`` keeps it in the chain marked refused (see
  ``Projected.refused``), so it never blocks the station's later events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.errors import DomainError, ValidationError
from sync.domain.events import Event
from sync.domain.projection import CaseView, apply_event, view_from_dict, view_to_dict
from sync.domain.window_receipt import case_receipt_status
from sync.protocol.models import ConflictNote, ErrorCode

from ..core.db import clock_of
from ..core.models import CaseRow
from .errors import ServiceError
from .review_counts import review_columns


def _refuse(event: Event, exc: Exception) -> ServiceError:
    if isinstance(exc, DomainError):
        field = getattr(exc, "field", None)
        field = f"payload.{field}" if field else None
        message = f"第{event.seq}号记录被拒绝：{exc.message}"
        return ServiceError(ErrorCode.REJECTED, message, field=field, event_id=event.id)
    return ServiceError(
        ErrorCode.REJECTED, f"第{event.seq}号记录内容不完整或格式不正确（{exc!s:.200}）", event_id=event.id
    )


@dataclass
class Projected:
    """What ``apply_station_events`` did: events kept as conflicts, and events refused (id → why)."""

    conflicts: list[ConflictNote] = field(default_factory=list)
    refused: dict[str, ServiceError] = field(default_factory=dict)


def apply_station_events(session: Session, fresh: Sequence[Event], received_at: str | None = None) -> Projected:
    """Update the case projection for ``fresh`` (in seq order); a refused event leaves its case as it was.

    A case the center did not hold yet gets ``arrived_at``: ``received_at``, the time ``ingest`` stores the
    events with (the session's clock when not given)."""
    done = Projected()
    case_ids = sorted({str(e.payload["case_id"]) for e in fresh if e.payload.get("case_id")})
    if not case_ids:
        return done
    rows = {
        row.case_id: row
        for chunk in (case_ids[i : i + 500] for i in range(0, len(case_ids), 500))
        for row in session.scalars(select(CaseRow).where(CaseRow.case_id.in_(chunk)).with_for_update())
    }
    views: dict[str, CaseView | None] = {
        cid: view_from_dict(rows[cid].data) if cid in rows else None for cid in case_ids
    }
    center_moved = {cid: rows[cid].center_since_station for cid in rows}
    conflict = {cid: rows[cid].conflict for cid in rows}
    for event in fresh:
        case_id = str(event.payload.get("case_id") or "")
        if not case_id:
            continue
        current = views[case_id]
        if current is not None and current.station_id != event.station_id:
            raise ServiceError(ErrorCode.FORBIDDEN, "记录指向其他代办站的办件", event_id=event.id)
        try:
            views[case_id] = apply_event(current, event)
            center_moved[case_id] = False
        except ValidationError as exc:
            done.refused[event.id] = _refuse(event, exc)
        except DomainError as exc:
            if current is None or not (center_moved.get(case_id) or conflict.get(case_id)):
                done.refused[event.id] = _refuse(event, exc)
                continue
            message = f"代办站第{event.seq}号记录与镇中心的处理冲突：{exc.message}"
            conflict[case_id] = message[:500]
            done.conflicts.append(ConflictNote(event_id=event.id, case_id=case_id, message=message))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            done.refused[event.id] = _refuse(event, exc)
    for case_id, view in views.items():
        if view is None:
            continue
        row = rows.get(case_id)
        if row is None:
            arrived_at = received_at or clock_of(session).stamp()
            row = CaseRow(case_id=case_id, station_id=view.station_id, case_no=view.case_no, arrived_at=arrived_at)
            session.add(row)
        _store(row, view, conflict.get(case_id, ""), center_moved.get(case_id, False))
    return done


def _store(row: CaseRow, view: CaseView, conflict: str, center_moved: bool) -> None:
    store_view(row, view)
    row.conflict = conflict
    row.center_since_station = center_moved


def store_view(row: CaseRow, view: CaseView) -> None:
    """The case's projection and the columns the staff pages filter and count on."""
    row.state = view.state.value
    row.data = view_to_dict(view)
    for name, value in review_columns(row.data).items():
        setattr(row, name, value)
    row.updated_at = view.updated_at
    row.receipt_status = case_receipt_status(view.window_handovers, view.window_receipts)


def conflicted_cases(session: Session, station_id: str | None = None) -> list[CaseRow]:
    """Cases with a station/center conflict, for the staff pages."""
    query = select(CaseRow).where(CaseRow.conflict != "")
    if station_id is not None:
        query = query.where(CaseRow.station_id == station_id)
    return list(session.scalars(query.order_by(CaseRow.updated_at)))
