"""Publishing the 事项清单 and the holiday calendar: validate, store a new version, broadcast to every station.

A town's own 事项 (本镇事项, several towns only) are published by ``publish_town_catalog``: refused when a code is
the county's (``sync.domain.catalog.check_town_extension``), else stored for the town and sent, merged into the
county's list, to the town's stations only."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.calendar import HolidayCalendar
from sync.domain.catalog import Catalog, check_town_extension, town_extension_collisions
from sync.domain.errors import DomainError
from sync.protocol.models import ErrorCode

from ..core.db import clock_of
from ..core.staff_models import PublishedDocRow
from .errors import ServiceError
from .reference_docs import (
    TOWN_CATALOG,
    broadcast_catalog,
    broadcast_document,
    current_document,
    lock_publications,
    next_version,
    town_extension,
)
from .towns import town_names

KIND_LABELS = {"catalog": "事项清单", "calendar": "节假日日历"}
#: The most 事项 a town may add of its own (a county's whole list is a few hundred).
MAX_TOWN_ITEMS = 2000


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
    if kind != "catalog":
        events = broadcast_document(session, kind, document, actor)
    row = PublishedDocRow(
        kind=kind, version=version, document=document, published_at=clock_of(session).stamp(), published_by=actor
    )
    if kind == "catalog":
        lock_publications(session)  # before the row: a catalog is sent merged with each town's own 事项
    session.add(row)
    session.flush()
    if kind == "catalog":
        events = broadcast_catalog(session, actor)
    return row, len(events)


def empty_extension() -> dict[str, Any]:
    return {"version": "", "items": []}


def current_extension(session: Session, town_id: int) -> dict[str, Any]:
    """The town's own 事项 as last published (an empty list before the first)."""
    row = town_extension(session, town_id)
    return dict(row.document) if row is not None else empty_extension()


def extension_refusal(session: Session, document: dict[str, Any]) -> str:
    """Why the town's own 事项 cannot be published over the county's list now (empty: they can)."""
    items = document.get("items")
    if isinstance(items, list) and len(items) > MAX_TOWN_ITEMS:
        return f"本镇事项不能超过{MAX_TOWN_ITEMS}个（现有{len(items)}个）"
    try:
        check_town_extension(current_document(session, "catalog"), document)
    except DomainError as exc:
        return exc.message
    return ""


def publish_town_catalog(session: Session, town_id: int, text: str, actor: str) -> tuple[PublishedDocRow, int]:
    """Store the town's own 事项 as a new version and send the town's stations the county's list merged with them;
    (row, number of stations). Refused, nothing stored, when a code is the county's (the codes listed)."""
    document = parse_document("catalog", text)
    version = str(document.get("version", "")).strip()
    if not version:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写版本号（version）", field="document")
    lock_publications(session)  # the county's list checked against is the one the stations get
    refusal = extension_refusal(session, document)
    if refusal:
        raise ServiceError(ErrorCode.INVALID_REQUEST, refusal, field="document")
    last = town_extension(session, town_id)
    if last is not None and last.version == version:
        raise ServiceError(ErrorCode.CONFLICT, f"版本{version}已发布过，请修改版本号后再发布", field="document")
    row = PublishedDocRow(
        kind=TOWN_CATALOG,
        version=version,
        document=document,
        published_at=clock_of(session).stamp(),
        published_by=actor,
        town_id=town_id,
    )
    session.add(row)
    session.flush()
    return row, len(broadcast_catalog(session, actor, town_id))


def towns_overridden(session: Session, county: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The towns whose own 事项 use a code of ``county`` (a county list about to be published), with those codes:
    once it is, those towns' stations use the county's 事项 under the code (``merged_catalog``)."""
    rows = session.scalars(
        select(PublishedDocRow).where(PublishedDocRow.kind == TOWN_CATALOG).order_by(PublishedDocRow.id)
    )
    latest = {row.town_id: row.document for row in rows}
    names = town_names(session)
    found = [(names.get(town or 0, ""), town_extension_collisions(county, own)) for town, own in latest.items()]
    return [(name, codes) for name, codes in found if codes]


def town_history(session: Session, town_id: int) -> list[PublishedDocRow]:
    query = select(PublishedDocRow).where(PublishedDocRow.kind == TOWN_CATALOG, PublishedDocRow.town_id == town_id)
    return list(session.scalars(query.order_by(PublishedDocRow.id.desc()).limit(20)))


def next_town_version(session: Session, town_id: int) -> str:
    """The version to suggest for the town's own 事项 (``next_version`` of its own)."""
    return next_version(session, TOWN_CATALOG, town_id)


def versions(session: Session, kind: str) -> list[PublishedDocRow]:
    query = select(PublishedDocRow).where(PublishedDocRow.kind == kind).order_by(PublishedDocRow.id.desc()).limit(20)
    return list(session.scalars(query))
