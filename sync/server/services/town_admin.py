"""本镇信息 published by the 主任: the center's name, address, phones and public case address.

Stored as a ``published_documents`` row of kind ``town`` with the town's id (each town of a county deployment has
its own) and broadcast to every station of the town as a ``town.published`` center event, like the 保存期限; an
enrollment sends its town's latest.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.errors import DomainError
from sync.domain.town import TownInfo
from sync.protocol.models import ErrorCode

from ..core.db import clock_of
from ..core.models import DEFAULT_TOWN_ID, TownRow
from ..core.staff_models import PublishedDocRow
from .errors import ServiceError
from .reference_docs import broadcast_document, latest_published, next_version
from .town_scope import session_town

KIND = "town"


def current_town(session: Session, default_name: str) -> TownInfo:
    """The last published 本镇信息 (the session's town's, ``town_scope``), else a default that names the center only
    (not yet published): ``default_name`` (the setting), or in a county deployment "<the town>为民服务中心"."""
    row = latest_published(session, KIND)
    if row is not None:
        return TownInfo.from_dict(row.document)
    town = session_town(session)
    found = session.get(TownRow, town) if town is not None else None
    return TownInfo(center_name=f"{found.name}为民服务中心" if found is not None else default_name)


def printed_center_name(session: Session, default_name: str) -> str:
    """The center named on what a town prints (考核统计表, 收件回执): ``default_name`` (the setting) as before towns,
    or in a county deployment the town's own (its 本镇信息, else "<the town>为民服务中心")."""
    return default_name if session_town(session) is None else current_town(session, default_name).center_name


def history(session: Session, limit: int = 20) -> list[PublishedDocRow]:
    query = select(PublishedDocRow).where(PublishedDocRow.kind == KIND).order_by(PublishedDocRow.id.desc())
    return list(session.scalars(query.limit(limit)))


def publish_town(session: Session, fields: Mapping[str, str], actor: str) -> tuple[TownInfo, int]:
    """Validate, store the new version and broadcast it; (info, number of stations it was sent to)."""
    now = clock_of(session).stamp()
    try:
        info = TownInfo.from_dict({**fields, "published_at": now, "published_by": actor})
    except DomainError as exc:
        raise ServiceError(ErrorCode.INVALID_REQUEST, exc.message, field=getattr(exc, "field", None)) from None
    events = broadcast_document(session, KIND, info.to_dict(), actor)
    session.add(
        PublishedDocRow(
            kind=KIND,
            version=next_version(session, KIND),
            document=info.to_dict(),
            published_at=now,
            published_by=actor,
            town_id=session_town(session) or DEFAULT_TOWN_ID,  # a town's own document
        )
    )
    session.flush()
    return info, len(events)
