"""Small JSON documents kept in the ``settings`` table."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import SettingRow

STATION = "station"
#: The clerk who logged in last ({"username", "display_name"}): prefills the next login, never the actor.
LAST_CLERK = "last_clerk"
CATALOG = "catalog"
CALENDAR = "calendar"
TOWN = "town"


def get(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(SettingRow, key)
    return row.value if row else default


def put(session: Session, key: str, value: Any) -> None:
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=value))
    else:
        row.value = value
