"""窗口确认收件 on the case page: the window confirms a station's handover or lists the discrepancy."""

from __future__ import annotations

import re
from typing import Any

import requests

from tests.domain.factories import signed_handover
from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .helpers import Staff

BOOK = {"name": "户口簿", "original": True, "copies": 1, "pages": 4}
ID_COPY = {"name": "身份证复印件", "original": False, "copies": 2}
RECEIVED = "case.center_handover_received"


def _handed_to_window(station: Station) -> tuple[str, str]:
    """A delivered case whose clerk handed 户口簿 (原件) and 身份证复印件 ×2 to the window; (case id, handover id)."""
    chain = station.chain
    case_id = chain.new_case(len(chain.events) + 1)
    chain.add("case.handover", signed_handover(case_id, "villager", "clerk", [BOOK, ID_COPY]))
    handover = chain.add("case.handover", signed_handover(case_id, "clerk", "window", [BOOK, ID_COPY]))
    station.client.push_all(chain.events)
    return case_id, handover.id


def _form(handover_id: str, received: list[str], copies: list[str], forms: list[str], note: str = "") -> Any:
    return {"handover_id": handover_id, "received": received, "copies": copies, "form": forms, "note": note}


def _all(handover_id: str) -> Any:
    return _form(handover_id, ["0", "1"], ["1", "2"], ["original", "copy"])


def test_window_confirms_everything_and_the_station_pulls_it(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    case_id, handover_id = _handed_to_window(station)
    page = window.get(f"/cases/{case_id}").text
    assert "窗口确认收件" in page and "待镇窗口确认收件" in page
    assert f'value="{handover_id}"' in page and "户口簿" in page and "身份证复印件" in page
    assert "镇中心窗口" in page  # custody shows the holder's label, not its code

    reply = window.post(f"/cases/{case_id}/receive", _all(handover_id))
    assert reply.status_code == 303 and reply.headers["location"].endswith("done=center_handover_received")
    (event,) = station.client.pull().events
    assert event.type == RECEIVED and event.payload["handover_id"] == handover_id
    assert event.payload["received_by"] == "测试window" and event.actor == "测试window（镇中心窗口）"
    assert [(i["name"], i["received_copies"]) for i in event.payload["items"]] == [("户口簿", 1), ("身份证复印件", 2)]

    page = window.get(f"/cases/{case_id}?done=center_handover_received").text
    assert "已记录：确认收件" in page
    assert "镇窗口已确认收件（测试window，" in page and "镇窗口已确认收到（测试window，" in page


def test_a_discrepancy_is_recorded_shown_and_audited(
    live_server: ServerHandle, station: Station, window: Staff, director: Staff
) -> None:
    case_id, handover_id = _handed_to_window(station)
    # 户口簿 not ticked; only one copy of the 身份证复印件
    form = _form(handover_id, ["1"], ["1", "1"], ["original", "copy"], "户口簿原件未随件送达")
    assert window.post(f"/cases/{case_id}/receive", form).status_code == 303
    (event,) = station.client.pull().events
    items = {i["name"]: i for i in event.payload["items"]}
    assert items["户口簿"]["received_copies"] == 0 and items["身份证复印件"]["received_copies"] == 1
    page = director.get(f"/cases/{case_id}").text
    assert "镇窗口收件有差异" in page and "户口簿（原件）未收到" in page and "应2份，实收1份" in page
    assert "镇窗口称未收到原件" in page and "户口簿原件未随件送达" in page
    assert "代办员交给镇中心窗口：户口簿（原件1份）、身份证复印件（复印件2份）" in page  # the history says what moved
    assert "收件人：测试window；有差异：户口簿（原件）未收到" in page
    audit = director.get("/audit").text
    assert "确认收件" in audit and "有差异" in audit

    # a later confirmation corrects it (both kept on the station's and the center's side)
    assert director.post(f"/cases/{case_id}/receive", _all(handover_id)).status_code == 303
    page = director.get(f"/cases/{case_id}").text
    assert "镇窗口已确认收件" in page and "镇窗口称未收到原件" not in page
    assert [e.type for e in station.client.pull().events] == [RECEIVED, RECEIVED]


def test_supervisor_and_station_token_cannot_confirm(
    live_server: ServerHandle, station: Station, supervisor: Staff
) -> None:
    case_id, handover_id = _handed_to_window(station)
    page = supervisor.get(f"/cases/{case_id}").text
    assert "待镇窗口确认收件" in page and 'action="/center/cases/' + case_id + '/receive"' not in page
    refused = supervisor.post(f"/cases/{case_id}/receive", _all(handover_id))
    assert refused.status_code == 403 and "督查人员只能查看，不能确认收件" in refused.text
    token = requests.post(
        f"{live_server.url}/center/cases/{case_id}/receive",
        data=_all(handover_id),
        headers={"Authorization": f"Bearer {station.client.token}"},
        allow_redirects=False,
        timeout=10,
    )
    assert token.status_code == 303 and token.headers["location"].startswith("/center/login")
    assert station.client.pull().events == []


def test_bad_forms_are_refused_in_chinese_and_record_nothing(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    case_id, handover_id = _handed_to_window(station)
    bad = [
        (_form(handover_id, ["0", "1"], ["一", "2"], ["original", "copy"]), "实收份数应为数字"),
        (_form(handover_id, ["0", "1"], ["1000", "2"], ["original", "copy"]), "0到999"),
        (_form(handover_id, ["0", "7"], ["1", "2"], ["original", "copy"]), "不在交接清单中"),
        (_form(handover_id, ["x"], ["1", "2"], ["original", "copy"]), "不在交接清单中"),
        (_form(handover_id, ["0"], ["1"], ["original"]), "逐项填写"),
        (_form(handover_id, ["0"], ["1", "2"], ["原件", "copy"]), "原件还是复印件"),
        (_form("no-such-handover", [], ["1", "2"], ["original", "copy"]), "请选择代办站记录的一次材料交接"),
        ({"handover_id": handover_id}, "逐项填写"),
    ]
    for form, message in bad:
        reply = window.post(f"/cases/{case_id}/receive", form)
        assert reply.status_code == 422 and message in reply.text, (form, reply.status_code, reply.text[-400:])
    plain = station.chain.new_case(len(station.chain.events) + 1)
    station.client.push_all(station.chain.events)
    reply = window.post(f"/cases/{plain}/receive", _all(handover_id))
    assert reply.status_code == 422 and "尚未记录交给镇中心窗口的材料交接" in reply.text
    assert station.client.pull().events == []
    assert window.post("/cases/no-such-case/receive", _all(handover_id)).status_code == 404


def test_station_events_after_the_confirmation_still_apply(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    """The center holds handover → confirmation → window → clerk; the station recorded the last one first."""
    case_id, handover_id = _handed_to_window(station)
    assert window.post(f"/cases/{case_id}/receive", _all(handover_id)).status_code == 303
    station.chain.add("case.handover", signed_handover(case_id, "window", "clerk", [BOOK]))
    station.client.push_all(station.chain.events)
    page = window.get(f"/cases/{case_id}").text
    assert "冲突" not in page
    custody = re.search(r'<ul class="custody">(.*?)</ul>', page, re.S)
    assert custody and "户口簿：代办员" in custody[1]
    assert "镇窗口已确认收件（测试window，" in page  # the confirmation of that handover stays on record


def test_the_inbox_filters_by_receipt_and_counts_the_discrepancies(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    short_case, short_handover = _handed_to_window(station)
    waiting_case, _ = _handed_to_window(station)
    fine_case, fine_handover = _handed_to_window(station)
    assert window.post(f"/cases/{short_case}/receive", _form(short_handover, ["1"], ["1", "2"], ["original", "copy"]))
    assert window.post(f"/cases/{fine_case}/receive", _all(fine_handover)).status_code == 303

    def listed(receipt: str) -> set[str]:
        page = window.get(f"/?receipt={receipt}&station={station.station_id}").text
        return {case for case in (short_case, waiting_case, fine_case) if f"/cases/{case}" in page}

    assert listed("discrepancy") == {short_case}
    assert listed("pending") == {waiting_case}
    assert listed("confirmed") == {fine_case}
    assert listed("") == {short_case, waiting_case, fine_case}
    assert listed("nonsense") == {short_case, waiting_case, fine_case}  # an unknown word filters nothing out
    inbox = window.get("/").text
    tile = re.search(r'href="[^"]*\?receipt=discrepancy"><b>(\d+)</b>收件有差异', inbox)
    assert tile is not None and int(tile.group(1)) >= 1
    assert '<option value="discrepancy" selected>镇窗口收件有差异</option>' in window.get("/?receipt=discrepancy").text
    # A later confirmation that everything came clears the case from the discrepancies.
    assert window.post(f"/cases/{short_case}/receive", _all(short_handover)).status_code == 303
    assert listed("discrepancy") == set() and short_case in listed("confirmed")


def test_the_window_marks_an_original_kept_and_the_station_archives_on_its_word(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    """留存: the town keeps the original 户口簿; the center's page says so and the mark reaches the station."""
    case_id, handover_id = _handed_to_window(station)
    page = window.get(f"/cases/{case_id}").text
    assert 'name="kept" value="0"' in page and 'name="kept" value="1"' not in page  # originals only
    reply = window.post(f"/cases/{case_id}/receive", {**_all(handover_id), "kept": ["0", "1"]})
    assert reply.status_code == 303
    (event,) = station.client.pull().events
    assert [i.get("kept", False) for i in event.payload["items"]] == [True, False]  # a copy cannot be kept
    page = window.get(f"/cases/{case_id}").text
    assert "镇中心留存，不再退还" in page
