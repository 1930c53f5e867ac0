"""《差评回访整改反馈单》 printed from the center's 差评回访 page: filled from the follow-up and the case, audited."""

from __future__ import annotations

from tests.forms import glyphs
from tests.sync.conftest import Station
from tests.sync.factories import registered_payload
from tests.sync.live_server import ServerHandle

from .helpers import Staff

DAY = "2026-11-23"


def _bad_case(station: Station, window: Staff, name: str = "张三") -> str:
    payload = registered_payload(case_no=f"{station.code}-20261123-0001")
    payload["applicant"]["name"] = name
    case_id = str(payload["case_id"])
    station.chain.add("case.registered", payload)
    station.chain.add("case.accept", {"case_id": case_id, "accepted_on": DAY, "due_on": "2026-11-30"})
    station.chain.add("case.deliver", {"case_id": case_id})
    station.client.push_all(station.chain.events)
    assert window.post(f"/cases/{case_id}/decide", {"action": "center_accept"}).status_code == 303
    assert window.post(f"/cases/{case_id}/decide", {"action": "center_complete", "result": "已办结"}).status_code == 303
    station.chain.add("case.give_feedback", {"case_id": case_id, "rating": 1})
    station.client.push_all(station.chain.events)
    return case_id


def test_window_prints_the_sheet_before_and_after_the_follow_up(
    live_server: ServerHandle, station: Station, window: Staff, director: Staff
) -> None:
    case_id = _bad_case(station, window, "王\U00020bb7")
    page = window.get("/followups").text
    assert f'href="/center/followups/{case_id}.pdf"' in page and "打印反馈单" in page
    reply = window.get(f"/followups/{case_id}.pdf")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    text = glyphs.pdftotext(reply.content)
    assert "差评回访整改反馈单" in text and f"{station.code}-20261123-0001" in text
    assert "王\U00020bb7" in text and "李代办" in text and "城乡居民养老保险参保登记（镇社保所）" in text
    assert "尚未登记回访整改结果" in text

    outcome = "已电话回访，代办员当面致歉"
    assert window.post(f"/followups/{case_id}/close", {"outcome": outcome}).status_code == 303
    text = glyphs.pdftotext(window.get(f"/followups/{case_id}.pdf").content)
    assert outcome in text and "测试window（镇中心）登记" in text
    assert "打印差评回访整改反馈单" in director.get("/audit").text


def test_supervisor_cannot_print_and_unknown_cases_are_404(
    live_server: ServerHandle, station: Station, window: Staff, supervisor: Staff
) -> None:
    case_id = _bad_case(station, window)
    window.get("/followups")  # opens the follow-up
    assert "打印反馈单" not in supervisor.get("/followups").text
    refused = supervisor.get(f"/followups/{case_id}.pdf")
    assert refused.status_code == 403 and "督查人员只能查看" in refused.text
    assert window.get("/followups/no-such-case.pdf").status_code == 404
