"""The inbox as the window's work queue: what needs the center now, most urgent deadline first; the other views
behind 范围; tiles that link to lists of exactly their count; the counts as JSON for the page's poll.

The center's day is fixed (``CENTER_TODAY``, 2026-11-23, a Monday), so no test depends on the date it runs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from sync.crypto import DataKey
from sync.server.core.db import make_engine
from sync.server.core.models import CaseRow
from sync.server.services.dashboard import InboxFilter, case_item, dashboard_counts, deadline_board, inbox
from sync.server.services.reference_docs import current_calendar
from sync.server.services.work_queue import QUEUE, order_by, queue_condition, queue_count, queue_page
from tests.domain.factories import signed_handover
from tests.sync.conftest import Station, enroll_station
from tests.sync.factories import registered_payload
from tests.sync.live_server import CENTER_TODAY, ServerHandle, center_sessions

from .helpers import Staff

BOOK = {"name": "户口簿", "original": True, "copies": 1, "pages": 4}
_ROW = re.compile(r'<tr class="[^"]*">\s*<td><a href="/center/cases/([0-9a-f-]{36})">')


def _case(station: Station, n: int, *, accepted_on: str = "2026-11-16", due_on: str = "2026-11-30") -> str:
    """A case registered and accepted at the station (the clock runs; not delivered)."""
    payload = registered_payload(case_no=f"{station.code}-20261123-{n:04d}")
    case_id = str(payload["case_id"])
    station.chain.add("case.registered", payload)
    station.chain.add("case.accept", {"case_id": case_id, "accepted_on": accepted_on, "due_on": due_on})
    return case_id


def _deliver(station: Station, case_id: str) -> None:
    station.chain.add("case.deliver", {"case_id": case_id})


def _listed(staff: Staff, query: str) -> list[str]:
    """Case ids of the inbox page, in their order."""
    reply = staff.get(query)
    assert reply.status_code == 200, reply.text[-500:]
    return _ROW.findall(reply.text)


def _queue_station(station: Station, window: Staff) -> dict[str, str]:
    """One station's cases in every position around the queue; name → case id."""
    ids: dict[str, str] = {}
    ids["late_at_station"] = _case(station, 1, accepted_on="2026-11-09", due_on="2026-11-20")  # overdue
    ids["delivered_soon"] = _case(station, 2, due_on="2026-11-25")
    _deliver(station, ids["delivered_soon"])
    ids["delivered_later"] = _case(station, 3, due_on="2026-12-04")
    _deliver(station, ids["delivered_later"])
    ids["in_progress"] = _case(station, 4, due_on="2026-12-10")
    _deliver(station, ids["in_progress"])
    ids["handed_over"] = _case(station, 5, due_on="2026-12-11")  # accepted at the center, materials at the window
    _deliver(station, ids["handed_over"])
    ids["delivered_handed"] = _case(station, 8, due_on="2026-12-14")  # delivered and at the window
    _deliver(station, ids["delivered_handed"])
    ids["corrected"] = _case(station, 6, due_on="2026-11-26")
    _deliver(station, ids["corrected"])
    ids["archived"] = str(registered_payload()["case_id"])
    payload = registered_payload(ids["archived"], case_no=f"{station.code}-20261123-0007")
    station.chain.add("case.registered", payload)
    station.chain.add("case.withdraw", {"case_id": ids["archived"], "reason": "申请人撤回申请"})
    station.chain.add("case.archive", {"case_id": ids["archived"]})
    station.client.push_all(station.chain.events)
    for key in ("in_progress", "handed_over"):
        assert window.post(f"/cases/{ids[key]}/decide", {"action": "center_accept"}).status_code == 303
    correction = {"action": "center_request_correction", "missing": "户口簿"}
    assert window.post(f"/cases/{ids['corrected']}/decide", correction).status_code == 303
    # the station brings the 户口簿, accepts the case again and delivers it; the clerk hands it to the window
    station.chain.add("case.accept", {"case_id": ids["corrected"], "accepted_on": "2026-11-23", "due_on": "2026-11-27"})
    _deliver(station, ids["corrected"])
    station.chain.add("case.handover", signed_handover(ids["handed_over"], "villager", "clerk", [BOOK]))
    station.chain.add("case.handover", signed_handover(ids["handed_over"], "clerk", "window", [BOOK]))
    station.chain.add("case.handover", signed_handover(ids["delivered_handed"], "villager", "clerk", [BOOK]))
    station.chain.add("case.handover", signed_handover(ids["delivered_handed"], "clerk", "window", [BOOK]))
    station.client.push_all(station.chain.events)
    return ids


def test_the_inbox_opens_on_the_work_queue_most_urgent_first(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    ids = _queue_station(station, window)
    queue = _listed(window, f"/?view=queue&station={station.station_id}")
    # overdue first (due 11-20), then by deadline: 11-25, 11-27 (the corrected case), 12-04, 12-11, 12-14
    assert queue == [
        ids[k]
        for k in (
            "late_at_station",
            "delivered_soon",
            "corrected",
            "delivered_later",
            "handed_over",
            "delivered_handed",
        )
    ]
    page = window.get(f"/?view=queue&station={station.station_id}").text
    rows = {case_id: row for row in page.split("<tr") for case_id in ids.values() if f"/cases/{case_id}" in row}
    assert "已超期" in rows[ids["late_at_station"]]
    assert "待受理" in rows[ids["delivered_soon"]] and "补正已交回" not in rows[ids["delivered_soon"]]
    assert "补正已交回" in rows[ids["corrected"]]
    assert "待确认收件" in rows[ids["handed_over"]] and "待受理" not in rows[ids["handed_over"]]
    assert "待确认收件" in rows[ids["delivered_handed"]] and "待受理" in rows[ids["delivered_handed"]]
    # the bare inbox is the queue (other tests' cases are there too, never the archived or in-progress ones here)
    bare = window.get("/").text
    assert "<h1>待办" in bare
    assert all(f"/cases/{ids[k]}" not in bare for k in ("archived", "in_progress"))


def test_views_behind_the_filter(live_server: ServerHandle, station: Station, window: Staff) -> None:
    ids = _queue_station(station, window)
    at = f"&station={station.station_id}"
    assert _listed(window, f"/?view=archived{at}") == [ids["archived"]]
    assert set(_listed(window, f"/?view=all{at}")) == set(ids.values())
    assert set(_listed(window, f"/?{at[1:]}")) == set(ids.values())  # a filter without 范围 looks at 全部
    assert _listed(window, f"/?view=overdue{at}") == [ids["late_at_station"]]
    # due within 3 working days of Monday 2026-11-23: up to Thursday 11-26 (the corrected case is due 11-27)
    assert _listed(window, f"/?view=due_soon{at}") == [ids["delivered_soon"]]
    assert ids["in_progress"] in _listed(window, f"/?view=open{at}")
    assert ids["archived"] not in _listed(window, f"/?view=open{at}") + _listed(window, f"/?view=done{at}")
    page = window.get(f"/?view=archived{at}").text
    assert '<option value="archived" selected>已归档</option>' in page and "收件箱 · 已归档" in page
    assert "已超期" not in window.get(f"/?view=done{at}").text.split("<tbody>")[1]
    assert _listed(window, f"/?view=nonsense{at}") == _listed(window, f"/?view=all{at}")  # unknown: 全部


def _tiles(html: str) -> dict[str, tuple[str, int]]:
    found = re.findall(r'<a class="tile[^"]*" data-count="(\w+)" href="([^"]+)"><b>(\d+)</b>', html)
    return {key: (href.replace("&amp;", "&"), int(n)) for key, href, n in found}


def test_each_tile_links_to_a_list_of_its_count(live_server: ServerHandle, station: Station, window: Staff) -> None:
    _queue_station(station, window)
    tiles = _tiles(window.get("/").text)
    assert set(tiles) >= {"queue", "receipt_pending", "incoming", "in_progress", "overdue", "due_soon"}
    for key in ("queue", "receipt_pending", "incoming", "in_progress", "overdue", "due_soon", "receipt_problems"):
        href, count = tiles[key]
        assert href.startswith("/center/"), href
        listed = window.get(href.removeprefix("/center")).text
        total = re.search(r"共(\d+)件", listed)
        assert total is not None and int(total[1]) == count, (key, href)
    assert tiles["followups_open"][0] == "/center/followups"


def test_counts_as_json_for_the_poll(live_server: ServerHandle, station: Station, window: Staff) -> None:
    page = window.get("/").text
    found = re.search(r'data-since="([^"]+)" data-arrived="(\d+)"', page)
    assert found is not None, page[:2000]
    since, shown = found[1], int(found[2])
    before: dict[str, Any] = window.get("/inbox/counts").json()
    assert "arrived" not in before
    assert window.get("/inbox/counts").headers["cache-control"] == "no-store"
    case_id = _case(station, 1)
    _deliver(station, case_id)
    station.client.push_all(station.chain.events)
    after: dict[str, Any] = window.get("/inbox/counts", params={"since": since}).json()
    assert after["arrived"] == shown + 1  # the new case, by its arrived_at
    assert after["incoming"] == before["incoming"] + 1 and after["queue"] == before["queue"] + 1
    assert all(isinstance(v, int) for v in after.values())
    tiles = _tiles(window.get("/").text)
    assert {k: n for k, (_h, n) in tiles.items()} == {k: after[k] for k in tiles}
    station.client.push_all(station.chain.events)  # nothing new: no new arrival
    assert window.get("/inbox/counts", params={"since": since}).json()["arrived"] == shown + 1


def test_counts_need_a_staff_session(live_server: ServerHandle) -> None:
    import requests

    reply = requests.get(live_server.url + "/center/inbox/counts", allow_redirects=False, timeout=10)
    assert reply.status_code == 303 and "/center/login" in reply.headers["location"]
    station = enroll_station(live_server)  # a station's token opens no staff page
    token = station.client.token
    bearer = requests.get(
        live_server.url + "/center/inbox/counts",
        headers={"Authorization": f"Bearer {token}"},
        allow_redirects=False,
        timeout=10,
    )
    assert bearer.status_code == 303


def test_the_inbox_script_is_served(live_server: ServerHandle, window: Staff) -> None:
    page = window.get("/").text
    assert '<script src="/center/static/inbox.js" defer></script>' in page
    script = window.get("/static/inbox.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "DBT_POLL_MS" in script.text and "件新到办件，点击刷新" in script.text


def test_the_fast_queue_count_is_the_count_of_the_queue(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    """``queue_count`` (disjoint parts, inclusion–exclusion) equals a plain count of ``queue_condition`` over this
    server's cases: pending receipts that are delivered, overdue, both or neither among them."""
    _queue_station(station, window)
    engine = make_engine(live_server.database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            plain = session.scalar(select(func.count()).select_from(CaseRow).where(queue_condition(CENTER_TODAY)))
            assert queue_count(session, CENTER_TODAY) == plain
            assert plain and plain >= 5
            # the tiles' own counts given to it (待确认收件, 已送件, the overdue per state): the same number
            assert dashboard_counts(session, current_calendar(session), CENTER_TODAY)["queue"] == plain
    finally:
        engine.dispose()


def test_the_queue_page_merged_from_its_parts_is_the_page_of_the_queue(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    """``queue_page`` (PostgreSQL: one index walk per part, merged) gives every page of the queue as the plain
    ordered query does, with and without another filter; pages of 2 so that pages cross the parts."""
    _queue_station(station, window)
    engine = make_engine(live_server.database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        return  # SQLite pages the OR itself (no parenthesised members in a UNION)
    try:
        with center_sessions(engine)() as session, session.begin():
            for filters in ([], [CaseRow.station_id == station.station_id], [CaseRow.station_id == "elsewhere"]):
                plain = select(CaseRow.case_id).where(*filters, queue_condition(CENTER_TODAY))
                everything = list(session.scalars(plain.order_by(*order_by(QUEUE))))
                assert len(everything) >= 5 or filters
                for offset in range(0, len(everything) + 2, 2):
                    page = list(session.scalars(queue_page(CENTER_TODAY, filters, 2, offset)))
                    assert page == everything[offset : offset + 2]
    finally:
        engine.dispose()


def test_the_view_select_asks_for_the_queue_explicitly_once_filtered(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    assert '<option value="" selected>待办（需镇中心处理）</option>' in window.get("/").text
    filtered = window.get(f"/?station={station.station_id}").text
    assert '<option value="queue" >待办（需镇中心处理）</option>' in filtered
    assert '<option value="all" selected>全部</option>' in filtered
    searched = window.get("/?q=张三").text
    assert '<option value="queue" >待办（需镇中心处理）</option>' in searched
    assert '<input type="hidden" name="q" value="张三">' in searched  # the filters narrow the search


def test_the_lists_show_the_cases_masked_as_stored_and_unseal_none(
    live_server: ServerHandle, station: Station, window: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inbox and the 期限看板 read each case's JSON as stored, its 身份证 number masked (``work_queue.Listed``):
    no case is decrypted for a list; the case's own page, which does unseal, shows the same masked number."""
    ids = _queue_station(station, window)
    opened: list[str] = []
    real_open = DataKey.open

    def counted_open(key: DataKey, sealed: str, aad: str) -> Any:
        opened.append(aad)
        return real_open(key, sealed, aad)

    monkeypatch.setattr(DataKey, "open", counted_open)
    engine = make_engine(live_server.database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            calendar = current_calendar(session)
            sealed = session.scalar(select(func.count()).select_from(CaseRow).where(CaseRow.sealed.is_not(None)))
            board = deadline_board(session, calendar, CENTER_TODAY)
            items = [*inbox(session, InboxFilter(view="all"), calendar, CENTER_TODAY).items, *board.overdue]
            items += board.due_soon
            assert sealed and len({item.case_id for item in items}) >= len(ids) - 1
            assert not [aad for aad in opened if aad.startswith("case:")], opened
            listed = {item.case_id: item.id_masked for item in items}
            late = case_item(session, session.get_one(CaseRow, ids["late_at_station"]), calendar, CENTER_TODAY)
            assert [aad for aad in opened if aad.startswith("case:")]  # the case itself was unsealed
            assert "*" in late.id_masked and listed[late.case_id] == late.id_masked
    finally:
        engine.dispose()
