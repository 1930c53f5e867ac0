"""A town's own 事项 reach its stations only, merged into the county's list, by publish and by enrollment.

The service level (``catalog_admin.publish_town_catalog``, ``reference_docs.broadcast_catalog``), both backends;
tests/server_web/test_town_catalog.py walks the same through the staff pages and the stations' real pull.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

import resources
from sync.domain.reference import CATALOG_PUBLISHED
from sync.protocol.models import EnrollRequest
from sync.server.core.db import make_engine
from sync.server.core.migrate import upgrade_head
from sync.server.services.catalog_admin import current_extension, publish, publish_town_catalog
from sync.server.services.center_events import center_events_after
from sync.server.services.enrollment import enroll, issue_code
from sync.server.services.errors import ServiceError
from sync.server.services.towns import create_town

from ..conftest import require_postgres
from .live_server import center_sessions, postgres_schema_url, sqlite_url


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    with ExitStack() as stack:
        url = stack.enter_context(postgres_schema_url(require_postgres())) if request.param == "postgres" else None
        engine = make_engine(url or sqlite_url(tmp_path))
        upgrade_head(engine)
        with center_sessions(engine)() as session:
            yield session
        engine.dispose()


def _enroll(session: Session, code: str, town_id: int) -> str:
    with session.begin():
        one_time = issue_code(session, code, f"{code}代办站", town_id=town_id)
    with session.begin():
        return enroll(session, EnrollRequest(code=one_time, station_code=code)).station_id


def _county(session: Session, version: str, extra: list[dict[str, Any]] | None = None) -> list[str]:
    document = json.loads(resources.read_text("catalog/demo.json"))
    document = {**document, "version": version, "items": [*document["items"], *(extra or [])]}
    with session.begin():
        publish(session, "catalog", json.dumps(document, ensure_ascii=False), "张科长")
    return [i["code"] for i in document["items"]]


def _own(session: Session, town_id: int, version: str, *codes: str) -> int:
    items = [{"code": c, "name": f"本镇事项{c}", "department": "农业农村办", "promised_days": 5} for c in codes]
    with session.begin():
        return publish_town_catalog(session, town_id, json.dumps({"version": version, "items": items}), "李主任")[1]


def _catalog(session: Session, station_id: str) -> dict[str, Any]:
    with session.begin():
        sent = [e for e in center_events_after(session, station_id, 0) if e.type == CATALOG_PUBLISHED]
    return dict(sent[-1].payload["catalog"])


def _codes(catalog: dict[str, Any]) -> list[str]:
    return [i["code"] for i in catalog["items"]]


def test_a_towns_own_items_reach_only_its_stations_and_outlive_a_county_publish(db: Session) -> None:
    with db.begin():
        town_b = create_town(db, "乙镇").id
    a, b = _enroll(db, "JA01", 1), _enroll(db, "YB01", town_b)
    county = _county(db, "县1")
    assert _own(db, town_b, "1", "YZ01") == 1  # one station: town B's
    assert _codes(_catalog(db, b)) == [*county, "YZ01"] and _catalog(db, b)["version"] == "县1+本镇1"
    assert _codes(_catalog(db, a)) == county

    county = _county(db, "县2", [{"code": "XJ01", "name": "县级新事项", "department": "民政办", "promised_days": 3}])
    assert _codes(_catalog(db, b)) == [*county, "YZ01"]
    assert _codes(_catalog(db, a)) == county and _catalog(db, a)["version"] == "县2"

    late = _enroll(db, "YB02", town_b)  # enrolled later: its town's merged list first
    assert _codes(_catalog(db, late)) == [*county, "YZ01"]


def test_a_code_of_the_county_is_refused_and_nothing_is_stored_or_sent(db: Session) -> None:
    with db.begin():
        town_b = create_town(db, "乙镇").id
    b = _enroll(db, "YB01", town_b)
    _own(db, town_b, "1", "YZ01")
    before = _catalog(db, b)
    with pytest.raises(ServiceError) as refused:
        _own(db, town_b, "2", "YZ02", "SB003", "SB001")
    assert refused.value.message.startswith("本镇事项的编码与县级事项清单重复：SB003、SB001。")
    assert _catalog(db, b) == before
    with db.begin():
        assert current_extension(db, town_b)["version"] == "1"


def test_the_county_taking_a_towns_code_wins(db: Session) -> None:
    with db.begin():
        town_b = create_town(db, "乙镇").id
    b = _enroll(db, "YB01", town_b)
    _own(db, town_b, "1", "YZ01", "YZ02")
    county = _county(db, "县3", [{"code": "YZ01", "name": "县级收录", "department": "民政办", "promised_days": 3}])
    catalog = _catalog(db, b)
    assert _codes(catalog) == [*county, "YZ02"]  # one 事项 per code: the county's
    assert next(i for i in catalog["items"] if i["code"] == "YZ01")["name"] == "县级收录"


def test_one_town_gets_the_county_list_unchanged(db: Session) -> None:
    station = _enroll(db, "CS01", 1)
    county = _county(db, "7")
    assert _catalog(db, station)["version"] == "7" and _codes(_catalog(db, station)) == county
