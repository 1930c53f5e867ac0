"""保存期限 published by the 主任: how many days after closing a station archives a case by itself.

Stored as a ``published_documents`` row of kind ``retention`` (no schema change) and broadcast to every
station as a ``retention.published`` center event, the same way as the catalog and the calendar.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.errors import DomainError
from sync.domain.retention import RetentionPolicy, parse_days
from sync.protocol.models import ErrorCode

from ..core.db import clock_of
from ..core.staff_models import PublishedDocRow
from .errors import ServiceError
from .reference_docs import broadcast_document, next_version

KIND = "retention"


def current_policy(session: Session) -> RetentionPolicy:
    """The last published period, else the default (which stations also use until one is published)."""
    row = session.scalar(
        select(PublishedDocRow).where(PublishedDocRow.kind == KIND).order_by(PublishedDocRow.id.desc()).limit(1)
    )
    return RetentionPolicy.from_dict(row.document) if row is not None else RetentionPolicy()


def history(session: Session, limit: int = 20) -> list[PublishedDocRow]:
    query = select(PublishedDocRow).where(PublishedDocRow.kind == KIND).order_by(PublishedDocRow.id.desc())
    return list(session.scalars(query.limit(limit)))


def publish_retention(session: Session, days_text: str, actor: str) -> tuple[RetentionPolicy, int]:
    """Validate, store the new version and broadcast it; (policy, number of stations it was sent to)."""
    try:
        days = parse_days(days_text)
    except DomainError as exc:
        raise ServiceError(ErrorCode.INVALID_REQUEST, exc.message, field="closed_case_days") from None
    current = current_policy(session)
    if not current.is_default and current.closed_case_days == days:
        raise ServiceError(ErrorCode.CONFLICT, f"保存期限已是{days}天，无需重新发布", field="closed_case_days")
    now = clock_of(session).stamp()
    policy = RetentionPolicy(days, published_at=now, published_by=actor)
    events = broadcast_document(session, KIND, policy.to_dict(), actor)
    session.add(
        PublishedDocRow(
            kind=KIND,
            version=next_version(session, KIND),
            document=policy.to_dict(),
            published_at=now,
            published_by=actor,
        )
    )
    session.flush()
    return policy, len(events)
