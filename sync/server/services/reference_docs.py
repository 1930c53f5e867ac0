"""The reference documents in force at the center (the last published version, else the shipped one), and
the center events that carry them to stations: a publish broadcasts them, an enrollment queues the latest.

The catalog a station gets is its town's merged list (``sync.domain.catalog.merged_catalog``): the county's
(kind ``catalog``, every town's) with the town's own 事项 (kind ``town_catalog``, that town's row), so a county
publish sends each town's stations the new county list merged with that town's own, and a town's publish
sends only its stations theirs (``broadcast_catalog``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

import resources
from sync.domain.calendar import HolidayCalendar
from sync.domain.catalog import merged_catalog
from sync.domain.events import Event
from sync.domain.reference import (
    CALENDAR_PUBLISHED,
    CATALOG_PUBLISHED,
    RETENTION_PUBLISHED,
    TOWN_PUBLISHED,
    calendar_payload,
    catalog_payload,
    retention_payload,
    town_payload,
)

from ..core.models import CenterEventRow, StationRow
from ..core.staff_models import PublishedDocRow
from .center_events import record_broadcast_event, record_center_event

SHIPPED = {"catalog": "catalog/demo.json", "calendar": "holidays/cn.json"}
#: Kind of a town's own 事项 (本镇事项), stored with the town's id and sent merged into the county's catalog.
TOWN_CATALOG = "town_catalog"


@lru_cache(maxsize=2)
def _shipped(kind: str) -> str:
    return resources.read_text(SHIPPED[kind])


#: kind of ``published_documents`` row -> (center event type, payload of that event for a document)
PUBLISHED_EVENTS: dict[str, tuple[str, Callable[[Mapping[str, Any]], dict[str, Any]]]] = {
    "catalog": (CATALOG_PUBLISHED, catalog_payload),
    "calendar": (CALENDAR_PUBLISHED, calendar_payload),
    "retention": (RETENTION_PUBLISHED, retention_payload),
    "town": (TOWN_PUBLISHED, town_payload),
}


def next_version(session: Session, kind: str, town_id: int | None = None) -> str:
    """The version number to suggest for the next document of ``kind`` published (of ``town_id``'s own, if
    given): one more than how many were published (1, 2, …), or the next number no version of them uses yet (a
    director may have typed "3" for the second: publishing "3" again would be refused as already published)."""
    query = select(PublishedDocRow.version).where(PublishedDocRow.kind == kind)
    if town_id is not None:
        query = query.where(PublishedDocRow.town_id == town_id)
    taken = list(session.scalars(query))
    number, used = len(taken) + 1, set(taken)
    while str(number) in used:
        number += 1
    return str(number)


def latest_published(session: Session, kind: str, town_id: int | None = None) -> PublishedDocRow | None:
    """The latest document of ``kind`` the session sees (``town_scope``); with ``town_id``, that town's (for a
    town's own kind, 本镇信息) or the county's."""
    query = select(PublishedDocRow).where(PublishedDocRow.kind == kind).order_by(PublishedDocRow.id.desc()).limit(1)
    if town_id is not None:
        query = query.where(or_(PublishedDocRow.town_id.is_(None), PublishedDocRow.town_id == town_id))
    return session.scalar(query)


#: Key of the PostgreSQL advisory lock that orders publishes and enrollments ("DBTPUBL" in ASCII).
PUBLICATION_LOCK = 0x44425450_55424C


def lock_publications(session: Session) -> None:
    """Take turns with every publish and enrollment, until the caller's transaction ends.

    Without it, on PostgreSQL a publish could list the stations before an overlapping enrollment
    commits its station, while that enrollment reads the latest documents before the publish commits:
    the new station would get neither. An enrollment takes it before it touches its station row, a
    publish before it locks any station (one order, so no deadlock). SQLite needs nothing: its writers
    hold the database from ``BEGIN IMMEDIATE`` to commit, one after the other.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLICATION_LOCK})


def town_extension(session: Session, town_id: int) -> PublishedDocRow | None:
    """The town's latest published own 事项 (本镇事项), if it ever published any."""
    query = select(PublishedDocRow).where(PublishedDocRow.kind == TOWN_CATALOG, PublishedDocRow.town_id == town_id)
    return session.scalar(query.order_by(PublishedDocRow.id.desc()).limit(1))


def station_catalog(session: Session, town_id: int) -> PublishedDocRow | None:
    """What a station of the town uses, as a (transient) published row: the county's latest catalog merged with the
    town's own 事项 (the shipped list stands in for a county list never published); None while neither exists."""
    county = latest_published(session, "catalog")
    own = town_extension(session, town_id)
    if own is None:
        return county
    if county is None:
        base = json.loads(_shipped("catalog"))
        return PublishedDocRow(document=merged_catalog(base, own.document), published_by=own.published_by)
    return PublishedDocRow(
        document=merged_catalog(county.document, own.document),
        published_by=own.published_by if own.id > county.id else county.published_by,
    )


def broadcast_catalog(session: Session, actor: str, town_id: int | None = None) -> list[Event]:
    """A catalog publish (the county's, or with ``town_id`` that town's own 事项, already stored in the caller's
    transaction): each active station (of that town) gets a ``catalog.published`` with its town's merged list."""
    lock_publications(session)
    query = select(StationRow.id, StationRow.town_id).where(StationRow.revoked_at.is_(None)).order_by(StationRow.id)
    if town_id is not None:
        query = query.where(StationRow.town_id == town_id)
    payloads: dict[int, dict[str, Any]] = {}
    events = []
    for station_id, station_town in session.execute(query).all():
        if station_town not in payloads:
            row = station_catalog(session, station_town)
            if row is None:  # cannot be: the caller stored a document
                continue
            payloads[station_town] = catalog_payload(row.document)
        events.append(record_center_event(session, station_id, CATALOG_PUBLISHED, payloads[station_town], actor))
    return events


def broadcast_document(session: Session, kind: str, document: Mapping[str, Any], actor: str) -> list[Event]:
    """A publish: the document's center event for every active station (in the caller's transaction)."""
    lock_publications(session)
    type, payload = PUBLISHED_EVENTS[kind]
    return record_broadcast_event(session, type, payload(document), actor)


def send_published_documents(session: Session, station_id: str, town_id: int | None = None) -> list[Event]:
    """Queue for one station the latest published document of each kind, as the events a publish creates.

    Called when a station is enrolled (or re-enrolled), in the same transaction, so its first pull brings
    what was published before it joined. A kind whose latest document is already the last event of its
    type in the station's center chain (a re-enrolled station that had it) is not queued again.
    """
    events = []
    for kind, (type, payload) in PUBLISHED_EVENTS.items():
        if kind == "catalog" and town_id is not None:
            row = station_catalog(session, town_id)
        else:
            row = latest_published(session, kind, town_id)
        if row is None:
            continue
        wanted = payload(row.document)
        sent = session.scalar(
            select(CenterEventRow.payload)
            .where(CenterEventRow.station_id == station_id, CenterEventRow.type == type)
            .order_by(CenterEventRow.seq.desc())
            .limit(1)
        )
        if sent != wanted:
            events.append(record_center_event(session, station_id, type, wanted, row.published_by))
    return events


def current_document(session: Session, kind: str) -> dict[str, Any]:
    row = latest_published(session, kind)
    if row is not None:
        return dict(row.document)
    document: dict[str, Any] = json.loads(_shipped(kind))
    return document


@lru_cache(maxsize=8)
def _calendar(text: str) -> HolidayCalendar:
    return HolidayCalendar.from_json(text)


def current_calendar(session: Session) -> HolidayCalendar:
    return _calendar(json.dumps(current_document(session, "calendar"), sort_keys=True, ensure_ascii=False))
