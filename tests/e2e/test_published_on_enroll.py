"""A village station enrolled after the center published its documents gets them on its first sync."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import resources
from desktop.services.context import ServiceContext
from desktop.services.safety.retention import retention_policy
from desktop.services.station import setup_station
from desktop.services.syncing import center_sync
from sync.domain.clock import FixedClock
from tests.server_web.helpers import staff_as
from tests.sync.live_server import ServerHandle, issue_enrollment_code


def _document(path: str, version: str) -> str:
    return json.dumps(json.loads(resources.read_text(path)) | {"version": version}, ensure_ascii=False)


def test_a_station_enrolled_after_the_publish_gets_the_documents_on_its_first_sync(
    server: ServerHandle, tmp_path: Path
) -> None:
    director = staff_as(server, "director")
    tag = uuid.uuid4().hex[:6]
    for kind, path in (("catalog", "catalog/demo.json"), ("calendar", "holidays/cn.json")):
        for n in (1, 2):  # only the latest reaches the new station
            reply = director.post(f"/publish/{kind}", {"document": _document(path, f"{kind}-{tag}-{n}")})
            assert reply.status_code == 303, reply.text
    for days in ("45", "120"):
        assert director.post("/retention", {"closed_case_days": days}).status_code == 303

    code = f"N{tag.upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(date(2026, 11, 23)))
    try:
        setup_station(ctx, code=code, name="新村代办站", village="新村", town="城关镇", clerk="赵代办")
        assert ctx.catalog.version != f"catalog-{tag}-2" and retention_policy(ctx).is_default
        center_sync.connect_center(ctx, server.url, issue_enrollment_code(server.database_url, code, "新村代办站"))
        changed = center_sync.sync_now(ctx)
        assert "接收镇中心 3 条" in changed.message  # the latest of each kind, once
        assert ctx.catalog.version == f"catalog-{tag}-2" and ctx.calendar.version == f"calendar-{tag}-2"
        policy = retention_policy(ctx)
        assert policy.closed_case_days == 120 and not policy.is_default
        assert "接收镇中心 0 条" in center_sync.sync_now(ctx).message
    finally:
        ctx.close()
