"""Decisions of a window become center events that the station's pull returns."""

from __future__ import annotations

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .helpers import Staff


def _pushed_case(station: Station, n: int = 1) -> str:
    case_id = station.chain.new_case(n)
    station.client.push_all(station.chain.events)
    return case_id


def _types(station: Station) -> list[str]:
    return [e.type for e in station.client.pull().events]


def test_accept_then_complete_reaches_the_station(live_server: ServerHandle, station: Station, window: Staff) -> None:
    case_id = _pushed_case(station)
    inbox = window.get(f"/?station={station.station_id}").text
    assert case_id in inbox and "已送件" in inbox and "张三" in inbox
    assert "11010519491231002X" not in inbox and "110105********002X" in inbox  # masked in lists
    accepted = window.post(f"/cases/{case_id}/decide", {"action": "center_accept"})
    assert accepted.status_code == 303
    done = window.post(
        f"/cases/{case_id}/decide", {"action": "center_complete", "result": "已办理参保登记，社保卡三日后领取"}
    )
    assert done.status_code == 303
    reply = station.client.pull()
    assert [e.type for e in reply.events] == ["case.center_accept", "case.center_complete"]
    complete = reply.events[1].payload
    assert complete["case_id"] == case_id and complete["result"].startswith("已办理参保登记")
    assert reply.events[0].actor.startswith("测试window")
    page = window.get(f"/cases/{case_id}").text
    assert "已办结" in page and "镇中心办结" in page


def test_correction_lists_every_missing_material(live_server: ServerHandle, station: Station, window: Staff) -> None:
    case_id = _pushed_case(station)
    empty = window.post(f"/cases/{case_id}/decide", {"action": "center_request_correction", "missing": " "})
    assert empty.status_code == 422 and "一次性列出" in empty.text
    ok = window.post(
        f"/cases/{case_id}/decide", {"action": "center_request_correction", "missing": "户口本\n结婚证、照片"}
    )
    assert ok.status_code == 303
    (event,) = station.client.pull().events
    assert event.type == "case.center_request_correction" and event.payload["missing"] == ["户口本", "结婚证", "照片"]


def test_return_needs_reason_and_basis(live_server: ServerHandle, station: Station, director: Staff) -> None:
    case_id = _pushed_case(station)
    refused = director.post(f"/cases/{case_id}/decide", {"action": "center_return", "reason": "不符合条件"})
    assert refused.status_code == 422 and "法律依据" in refused.text
    ok = director.post(
        f"/cases/{case_id}/decide",
        {"action": "center_return", "reason": "申请人不符合参保条件", "legal_basis": "《社会保险法》第二十条"},
    )
    assert ok.status_code == 303
    (event,) = station.client.pull().events
    assert event.type == "case.center_return" and event.payload["legal_basis"] == "《社会保险法》第二十条"


def test_illegal_move_is_refused_in_chinese(live_server: ServerHandle, station: Station, window: Staff) -> None:
    case_id = _pushed_case(station)
    assert window.post(f"/cases/{case_id}/decide", {"action": "center_accept"}).status_code == 303
    again = window.post(f"/cases/{case_id}/decide", {"action": "center_accept"})
    assert again.status_code == 422 and "镇中心受理" in again.text
    assert _types(station) == ["case.center_accept"]


def test_supervisor_cannot_decide(live_server: ServerHandle, station: Station, supervisor: Staff) -> None:
    case_id = _pushed_case(station)
    page = supervisor.get(f"/cases/{case_id}").text
    assert "督查人员只能查看" in page and 'value="center_accept"' not in page
    reply = supervisor.post(f"/cases/{case_id}/decide", {"action": "center_accept"})
    assert reply.status_code == 403 and "督查人员只能查看" in reply.text
    assert station.client.pull().events == []


def test_full_id_view_is_a_separate_audited_action(live_server: ServerHandle, station: Station, window: Staff) -> None:
    case_id = _pushed_case(station)
    page = window.get(f"/cases/{case_id}").text
    assert "11010519491231002X" not in page
    full = window.post(f"/cases/{case_id}/reveal")
    assert full.status_code == 200 and "11010519491231002X" in full.text


def test_deadline_board_shows_overdue_in_working_days(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    chain = station.chain
    from tests.sync.factories import registered_payload

    payload = registered_payload(case_no=f"{station.code}-20261102-0001")
    case_id = str(payload["case_id"])
    chain.add("case.registered", payload)
    chain.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-02", "due_on": "2026-11-09"})
    station.client.push_all(chain.events)
    board = window.get("/deadlines").text
    assert payload["case_no"] in board and "已超期" in board
    overdue = board.split("即将到期")[0]
    assert payload["case_no"] in overdue
