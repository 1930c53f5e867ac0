"""收件回执 / 退件清单 over real HTTP: a station's visit listed by day, printed as PDF, audited; 督查 refused."""

from __future__ import annotations

import re

from tests.domain.factories import signed_handover
from tests.forms import glyphs
from tests.sync.conftest import Station
from tests.sync.factories import registered_payload
from tests.sync.live_server import ServerHandle

from .helpers import Staff

BOOK = {"name": "户口簿", "original": True, "copies": 1, "pages": 4}
ID_COPY = {"name": "身份证复印件", "original": False, "copies": 2}
DAY = "2026-11-23"  # the day of the test chain's clock
RARE = "王\U00020bb7"


def _visit(station: Station) -> tuple[str, str]:
    """Two cases handed to the window (one for 王𠮷), and the 户口簿 of the first handed back; (case ids)."""
    chain = station.chain
    ids = []
    for n, name in ((1, "张三"), (2, RARE)):
        payload = registered_payload(case_no=f"CS01-20261123-{n:04d}")
        payload["applicant"]["name"] = name
        case_id = str(payload["case_id"])
        chain.add("case.registered", payload)
        chain.add("case.accept", {"case_id": case_id, "accepted_on": DAY, "due_on": "2026-11-30"})
        chain.add("case.deliver", {"case_id": case_id})
        chain.add("case.handover", signed_handover(case_id, "villager", "clerk", [BOOK, ID_COPY]))
        chain.add("case.handover", signed_handover(case_id, "clerk", "window", [BOOK, ID_COPY]))
        ids.append(case_id)
    chain.add("case.handover", signed_handover(ids[0], "window", "clerk", [BOOK], "结果已出"))
    station.client.push_all(chain.events)
    return ids[0], ids[1]


def _handover_id(page: str) -> str:
    match = re.search(r'name="handover_id" value="([^"]+)"', page)
    assert match
    return match[1]


def test_window_lists_a_visit_and_prints_both_lists(
    live_server: ServerHandle, station: Station, window: Staff, director: Staff
) -> None:
    _first, second = _visit(station)
    # the window confirms the second case with a discrepancy: 户口簿 not received
    handover = _handover_id(window.get(f"/cases/{second}").text)
    form = {"handover_id": handover, "received": ["1"], "copies": ["1", "1"], "form": ["original", "copy"]}
    assert window.post(f"/cases/{second}/receive", {**form, "note": "户口簿未带来"}).status_code == 303  # type: ignore[dict-item]

    page = window.get(f"/visits?station={station.station_id}&day={DAY}")
    assert page.status_code == 200, page.text[-300:]
    html = page.text
    assert "CS01-20261123-0001" in html and "CS01-20261123-0002" in html and RARE in html
    assert "待镇窗口确认收件" in html and "镇窗口收件有差异" in html and "户口簿未带来" in html
    assert "打印收件回执" in html and "打印退件清单" in html

    reply = window.get(f"/visits/receipt.pdf?station={station.station_id}&day={DAY}")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    assert "attachment" in reply.headers["content-disposition"]
    text = glyphs.pdftotext(reply.content)
    assert "收件回执" in text and "CS01-20261123-0001" in text and "CS01-20261123-0002" in text
    assert RARE in text and "110105********002X" in text and "11010519491231002X" not in text
    assert "未收到" in text and "应2份，实收1份" in text and "户口簿未带来" in text and "待确认" in text
    assert "李代办" in text and "测试window" in text

    back = glyphs.pdftotext(window.get(f"/visits/return.pdf?station={station.station_id}&day={DAY}").content)
    assert "退件清单" in back and "CS01-20261123-0001" in back and "CS01-20261123-0002" not in back
    assert "户口簿" in back and "结果已出" in back

    audit = director.get("/audit").text
    assert "打印收件回执" in audit and "打印退件清单" in audit and "CS01-20261123-0002" in audit

    assert director.get(f"/visits/receipt.pdf?station={station.station_id}&day={DAY}").status_code == 200


def test_an_empty_day_has_nothing_to_print(live_server: ServerHandle, station: Station, window: Staff) -> None:
    _visit(station)
    page = window.get(f"/visits?station={station.station_id}&day=2026-11-24").text
    assert "这一天没有代办员送交窗口的材料" in page and "打印收件回执" not in page
    reply = window.get(f"/visits/receipt.pdf?station={station.station_id}&day=2026-11-24")
    assert reply.status_code == 404 and "没有可打印收件回执的交接记录" in reply.text
    assert window.get(f"/visits?station={station.station_id}&day=昨天").status_code == 422
    assert window.get(f"/visits?station=no-such&day={DAY}").status_code == 404
    assert window.get("/visits").status_code == 200  # today by default


def test_supervisor_cannot_print(live_server: ServerHandle, station: Station, supervisor: Staff) -> None:
    _visit(station)
    for path in ("/visits", f"/visits/receipt.pdf?station={station.station_id}&day={DAY}"):
        reply = supervisor.get(path)
        assert reply.status_code == 403 and "督查人员只能查看" in reply.text


def test_originals_still_at_the_window_of_a_decided_case_are_on_todays_return_list(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    _first, second = _visit(station)
    assert window.post(f"/cases/{second}/decide", {"action": "center_accept"}).status_code == 303
    done = window.post(f"/cases/{second}/decide", {"action": "center_complete", "result": "证明已开具"})
    assert done.status_code == 303
    page = window.get(f"/visits?station={station.station_id}&day={DAY}").text  # the center's today
    assert "待交还（代办站尚未记录交接）" in page and "证明已开具" in page
    back = glyphs.pdftotext(window.get(f"/visits/return.pdf?station={station.station_id}&day={DAY}").content)
    assert "CS01-20261123-0001" in back and "CS01-20261123-0002" in back and "证明已开具" in back
    assert RARE in back and "合计：办件2件，材料2项，原件2份" in back
    earlier = window.get(f"/visits?station={station.station_id}&day=2026-11-22").text  # only today's hand-backs
    assert "待交还" not in earlier
