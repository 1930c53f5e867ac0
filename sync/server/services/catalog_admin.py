"""Publishing the 事项清单 and the holiday calendar: validate, store a new version, broadcast to every station."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.calendar import HolidayCalendar
from sync.domain.catalog import Catalog
from sync.domain.errors import DomainError
from sync.protocol.models import ErrorCode

from ..core.db import clock_of
from ..core.staff_models import PublishedDocRow
from .errors import ServiceError
from .reference_docs import broadcast_document

KIND_LABELS = {"catalog": "事项清单", "calendar": "节假日日历"}


def parse_document(kind: str, text: str) -> dict[str, Any]:
    """The JSON document, validated with the same domain code the stations use; Chinese errors."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ServiceError(
            ErrorCode.INVALID_REQUEST, f"不是有效的JSON：第{exc.lineno}行第{exc.colno}列附近有错误", field="document"
        ) from None
    if not isinstance(document, dict):
        raise ServiceError(ErrorCode.INVALID_REQUEST, "内容应为一个JSON对象", field="document")
    try:
        if kind == "catalog":
            Catalog.from_dict(document)
        elif kind == "calendar":
            HolidayCalendar.from_dict(document)
        else:
            raise ServiceError(ErrorCode.NOT_FOUND, "没有这种发布内容")
    except DomainError as exc:
        raise ServiceError(ErrorCode.INVALID_REQUEST, exc.message, field="document") from None
    return document


def publish(session: Session, kind: str, text: str, actor: str) -> tuple[PublishedDocRow, int]:
    """Store the new version and broadcast it; (row, number of stations it was sent to)."""
    document = parse_document(kind, text)
    version = str(document.get("version", "")).strip()
    if not version:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写版本号（version）", field="document")
    last = session.scalar(
        select(PublishedDocRow.version).where(PublishedDocRow.kind == kind).order_by(PublishedDocRow.id.desc()).limit(1)
    )
    if last == version:
        raise ServiceError(ErrorCode.CONFLICT, f"版本{version}已发布过，请修改版本号后再发布", field="document")
    events = broadcast_document(session, kind, document, actor)
    row = PublishedDocRow(
        kind=kind, version=version, document=document, published_at=clock_of(session).stamp(), published_by=actor
    )
    session.add(row)
    session.flush()
    return row, len(events)


def versions(session: Session, kind: str) -> list[PublishedDocRow]:
    query = select(PublishedDocRow).where(PublishedDocRow.kind == kind).order_by(PublishedDocRow.id.desc()).limit(20)
    return list(session.scalars(query))
