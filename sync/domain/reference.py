"""Reference data the town center publishes to every station: the catalog, the holiday calendar, the 保存期限,
本镇信息 (the center's name, phones and public case address for the printed forms).

Published as broadcast center events (no ``case_id``) of these types; the
payload carries the whole document, validated with the same code on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .calendar import HolidayCalendar
from .catalog import Catalog
from .errors import ValidationError
from .retention import RetentionPolicy
from .town import TownInfo

CATALOG_PUBLISHED = "catalog.published"
CALENDAR_PUBLISHED = "calendar.published"
RETENTION_PUBLISHED = "retention.published"
TOWN_PUBLISHED = "town.published"


def catalog_payload(catalog: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a ``catalog.published`` event (validated before it is sent)."""
    Catalog.from_dict(catalog)
    return {"catalog": dict(catalog)}


def calendar_payload(calendar: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a ``calendar.published`` event (validated before it is sent)."""
    HolidayCalendar.from_dict(calendar)
    return {"calendar": dict(calendar)}


def retention_payload(retention: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a ``retention.published`` event: ``{"retention": {"closed_case_days": N, ...}}``."""
    return {"retention": RetentionPolicy.from_dict(retention).to_dict()}


def town_payload(town: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a ``town.published`` event: ``{"town": {"center_name": ..., ...}}``."""
    return {"town": TownInfo.from_dict(town).to_dict()}


def published_document(event_type: str, payload: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """("catalog" | "calendar" | "retention" | "town", validated document) for a reference-data event, else None."""
    if event_type == CATALOG_PUBLISHED:
        key = "catalog"
        Catalog.from_dict(payload.get(key) or {})
    elif event_type == CALENDAR_PUBLISHED:
        key = "calendar"
        HolidayCalendar.from_dict(payload.get(key) or {})
    elif event_type == RETENTION_PUBLISHED:
        key = "retention"
        RetentionPolicy.from_dict(payload.get(key) or {})
    elif event_type == TOWN_PUBLISHED:
        key = "town"
        TownInfo.from_dict(payload.get(key) or {})
    else:
        return None
    document = payload.get(key)
    if not isinstance(document, Mapping):
        raise ValidationError(key, "镇中心发布的数据格式不正确")
    return key, dict(document)
