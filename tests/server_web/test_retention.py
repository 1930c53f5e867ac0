"""保存期限: only the 主任 publishes it (audited), and it reaches a station over the real pull path."""

from __future__ import annotations

import uuid

from desktop.services.context import ServiceContext
from desktop.services.safety.retention import retention_policy
from desktop.services.syncing import center_sync
from sync.domain.retention import DEFAULT_CLOSED_CASE_DAYS
from tests.sync.live_server import ServerHandle

from .helpers import Staff


def test_only_the_director_publishes_the_retention_period(
    live_server: ServerHandle, director: Staff, window: Staff, supervisor: Staff
) -> None:
    for staff in (window, supervisor):
        assert staff.get("/retention").status_code == 403
        assert staff.post("/retention", {"closed_case_days": "30"}).status_code == 403
    assert director.post("/retention", {"closed_case_days": "30"}, csrf=False).status_code == 403
    page = director.get("/retention").text
    assert "保存期限" in page and "办结后" in page
    for bad, message in (("0", "1到3650"), ("abc", "整数"), ("", "整数")):
        reply = director.post("/retention", {"closed_case_days": bad})
        assert reply.status_code == 422 and message in reply.text


def test_a_published_period_reaches_the_station_and_is_audited(
    live_server: ServerHandle, director: Staff, desktop_station: ServiceContext
) -> None:
    ctx = desktop_station
    assert retention_policy(ctx).closed_case_days == DEFAULT_CLOSED_CASE_DAYS and retention_policy(ctx).is_default
    days = str(30 + uuid.uuid4().int % 300)
    reply = director.post("/retention", {"closed_case_days": days})
    assert reply.status_code == 303 and reply.headers["location"].endswith(f"/retention?done={days}")
    assert f"办结后{days}天" in director.get(f"/retention?done={days}").text
    again = director.post("/retention", {"closed_case_days": days})
    assert again.status_code == 422 and "无需重新发布" in again.text
    assert "发布保存期限" in director.get("/audit").text

    changed = center_sync.sync_now(ctx)  # the real pull path: push, then pull the center's events
    assert "接收镇中心" in changed.message
    policy = retention_policy(ctx)
    assert policy.closed_case_days == int(days) and not policy.is_default
    assert "镇中心主任" in policy.published_by
