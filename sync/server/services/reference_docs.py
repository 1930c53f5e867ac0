"""The catalog and holiday calendar in force at the center: the last published version, else the shipped one."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import resources
from sync.domain.calendar import HolidayCalendar

from ..core.staff_models import PublishedDocRow

SHIPPED = {"catalog": "catalog/demo.json", "calendar": "holidays/cn.json"}


@lru_cache(maxsize=2)
def _shipped(kind: str) -> str:
    return resources.read_text(SHIPPED[kind])


def current_document(session: Session, kind: str) -> dict[str, Any]:
    row = session.scalar(
        select(PublishedDocRow).where(PublishedDocRow.kind == kind).order_by(PublishedDocRow.id.desc()).limit(1)
    )
    if row is not None:
        return dict(row.document)
    document: dict[str, Any] = json.loads(_shipped(kind))
    return document


@lru_cache(maxsize=8)
def _calendar(text: str) -> HolidayCalendar:
    return HolidayCalendar.from_json(text)


def current_calendar(session: Session) -> HolidayCalendar:
    return _calendar(json.dumps(current_document(session, "calendar"), sort_keys=True, ensure_ascii=False))
