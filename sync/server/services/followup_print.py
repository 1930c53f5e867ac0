"""《差评回访整改反馈单》 printed at the town center: the same form the station prints (forms.rating_followup),
filled from the center's follow-up row (FollowupRow), the case as the center holds it and the villager's
signed 服务意见反馈表 (the latest ``case.give_feedback`` event: overall and per-dimension ratings, comments)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import rating_followup
from forms.data import Party, Rating, RatingFollowUp, Station
from forms.errors import FormDataError
from sync.domain.clock import beijing_day
from sync.domain.feedback import COMMENT_FIELDS
from sync.domain.projection import view_from_dict
from sync.domain.ratings import RATING_LABELS
from sync.protocol.models import ErrorCode

from ..core.models import CaseRow, EventRow, StationRow
from ..core.staff_models import FollowupRow
from .errors import ServiceError
from .town_admin import current_town

FEEDBACK_EVENT = "case.give_feedback"


def _rating(value: object) -> Rating | None:
    label = RATING_LABELS.get(value) if isinstance(value, int) else None
    return Rating(label) if label else None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def followup_record(session: Session, case_id: str, default_center: str) -> RatingFollowUp:
    """The sheet's record for the 差评 of ``case_id``; the 回访, 核实, 整改 and 反馈 are handwritten."""
    row = session.get(FollowupRow, case_id)
    case = session.get(CaseRow, case_id)
    if row is None or case is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这条差评回访记录")
    view = view_from_dict(case.data)
    station = session.get(StationRow, case.station_id)
    town = current_town(session, default_center)
    event = session.scalars(
        select(EventRow)
        .where(EventRow.station_id == case.station_id, EventRow.type == FEEDBACK_EVENT, EventRow.refused.is_(None))
        .where(EventRow.payload["case_id"].as_string() == case_id)
        .order_by(EventRow.seq.desc())
        .limit(1)
    ).first()
    payload = event.payload if event is not None else {}
    comments = dict(payload.get("comments") or {})
    dimensions = {k: r for k, v in dict(payload.get("dimensions") or {}).items() if (r := _rating(v)) is not None}
    rating = _rating(row.rating) or Rating.DISSATISFIED
    a = view.applicant
    return RatingFollowUp(
        case_no=view.case_no,
        station=Station(
            name=station.name if station else case.station_id,
            code=station.code if station else "",
            town_center=town.center_name,
            case_url_base=town.case_url_base,
        ),
        applicant=Party(name=a.name, id_number=a.id_number, address=a.address, phone=a.phone),
        matter=f"{view.item_name}（{view.department}）" if view.department else view.item_name,
        clerk_name=row.clerk or view.clerk,
        rating=rating,
        rated_on=_day(row.rated_on) or (beijing_day(event.occurred_at) if event is not None else None),
        dimensions=dimensions,
        comments=[(label, str(comments[key])) for key, label in COMMENT_FIELDS.items() if comments.get(key)],
        mode="签名板" if payload.get("signature") else "纸质",
        done_on=view.completed_on,
        followed_up_on=_day(row.closed_on),
        outcome=row.outcome,
        followed_up_by=row.closed_by,
    )


def followup_pdf(record: RatingFollowUp) -> bytes:
    try:
        return rating_followup.render(record)
    except FormDataError as exc:
        raise ServiceError(ErrorCode.INVALID_REQUEST, exc.message) from None
