"""Phones and 身份证 numbers are masked on the staff pages for every role; a full view is for the roles
that need it (主任, 窗口) and is audited."""

from __future__ import annotations

import pytest

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .helpers import staff_as

PHONE = "13800138000"
ID_NUMBER = "11010519491231002X"


def _case(station: Station) -> str:
    case_id = station.chain.new_case()
    station.client.push_all(station.chain.events)
    return case_id


@pytest.mark.parametrize("role", ("director", "window", "supervisor"))
def test_case_page_masks_phone_and_id_for_every_role(live_server: ServerHandle, station: Station, role: str) -> None:
    staff = staff_as(live_server, role)
    case_id = _case(station)
    page = staff.get(f"/cases/{case_id}").text
    assert "138****8000" in page and PHONE not in page
    assert "110105********002X" in page and ID_NUMBER not in page
    inbox = staff.get("/").text
    assert PHONE not in inbox and ID_NUMBER not in inbox


def test_window_sees_the_full_phone_and_it_is_audited(live_server: ServerHandle, station: Station) -> None:
    window = staff_as(live_server, "window")
    director = staff_as(live_server, "director")
    case_id = _case(station)
    shown = window.post(f"/cases/{case_id}/reveal", {"field": "phone"})
    assert shown.status_code == 200
    assert f"{PHONE}（已留痕）" in shown.text and ID_NUMBER not in shown.text
    audit = director.get("/audit").text
    row = next(r for r in audit.split("<tr>") if window.username in r and "查看完整联系电话" in r)
    assert "127.0.0.1" in row
    assert window.post(f"/cases/{case_id}/reveal", {"field": "name"}).status_code == 422


def test_supervisor_cannot_see_the_full_phone(live_server: ServerHandle, station: Station) -> None:
    supervisor = staff_as(live_server, "supervisor")
    case_id = _case(station)
    page = supervisor.get(f"/cases/{case_id}").text
    assert "查看完整号码" not in page
    refused = supervisor.post(f"/cases/{case_id}/reveal", {"field": "phone"})
    assert refused.status_code == 403 and PHONE not in refused.text
