"""The staff search (the inbox's box and the one in every page's header): 办件编号, name, whole 身份证 and phone
numbers, station; never a part of a number; results as the list shows cases (numbers masked)."""

from __future__ import annotations

import random
import re
import uuid

import pytest

from sync.domain.validation import id_check_char
from tests.sync.conftest import Station, enroll_station
from tests.sync.factories import registered_payload
from tests.sync.live_server import ServerHandle

from .helpers import Staff

_ROW = re.compile(r'<td><a href="/center/cases/([0-9a-f-]{36})">')


def _id_number(rng: random.Random) -> str:
    born = f"{rng.randrange(1950, 2000)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    first = f"430521{born}{rng.randrange(100, 999)}"
    return first + id_check_char(first)


def _pushed(station: Station, n: int, name: str, id_number: str, phone: str, *, archived: bool = False) -> str:
    payload = registered_payload(case_no=f"{station.code}-20261123-{n:04d}")
    payload["applicant"] |= {"name": name, "id_number": id_number, "phone": phone}
    case_id = str(payload["case_id"])
    station.chain.add("case.registered", payload)
    if archived:
        station.chain.add("case.withdraw", {"case_id": case_id, "reason": "申请人撤回申请"})
        station.chain.add("case.archive", {"case_id": case_id})
    else:
        station.chain.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
        station.chain.add("case.deliver", {"case_id": case_id})
    station.client.push_all(station.chain.events)
    return case_id


def _search(staff: Staff, query: str) -> str:
    """The page the header's box shows for ``query`` (a POST; text goes on to ``/?q=``, a whole number not)."""
    reply = staff.post("/search", {"q": query})
    if reply.status_code == 303:
        location = reply.headers["location"]
        assert location.startswith("/center/"), location
        reply = staff.get(location.removeprefix("/center"))
    assert reply.status_code == 200, reply.text[-500:]
    return reply.text


def _found(staff: Staff, query: str, **extra: str) -> list[str]:
    """Case ids found: through the header's box, or with filters through the inbox's ``?q=`` (text only)."""
    if not extra:
        return _ROW.findall(_search(staff, query))
    reply = staff.http.get(staff.base + "/", params={"q": query, **extra}, allow_redirects=False, timeout=30)
    assert reply.status_code == 200, reply.text[-500:]
    return _ROW.findall(reply.text)


@pytest.fixture
def people(live_server: ServerHandle, station: Station) -> dict[str, tuple[str, str, str]]:
    """Three villagers of one station (one with a name beyond the BMP, one archived); key → (case id, 身份证, phone)."""
    rng = random.Random(uuid.uuid4().int)
    out: dict[str, tuple[str, str, str]] = {}
    for n, (key, name) in enumerate((("rare", "𠮷田秀英"), ("dot", "阿依古丽·买买提"), ("old", "王建国")), start=1):
        id_number, phone = _id_number(rng), f"139{rng.randrange(10**8):08d}"
        out[key] = (_pushed(station, n, name, id_number, phone, archived=key == "old"), id_number, phone)
    return out


def test_by_case_number_whole_or_part(station: Station, window: Staff, people: dict[str, tuple[str, str, str]]) -> None:
    rare = people["rare"][0]
    assert _found(window, f"{station.code}-20261123-0001") == [rare]
    assert set(_found(window, station.code.lower() + "-2026")) == {case for case, _i, _p in people.values()}
    assert rare in _found(window, f" {station.code}-20261123-0001 ")  # spaces around do not matter


def test_by_name_part_beyond_the_bmp_and_with_lookalike_dots(
    station: Station, window: Staff, people: dict[str, tuple[str, str, str]]
) -> None:
    mine = {case for case, _i, _p in people.values()}
    assert people["rare"][0] in _found(window, "𠮷")  # U+20BB7, a surrogate pair in JSON escapes
    assert set(_found(window, "𠮷田")) & mine == {people["rare"][0]}
    assert set(_found(window, "田秀")) & mine == {people["rare"][0]}
    assert set(_found(window, "阿依古丽•买买提")) & mine == {people["dot"][0]}  # a bullet typed for "·"
    assert set(_found(window, "阿依古丽．买买提")) & mine == {people["dot"][0]}
    assert people["old"][0] in _found(window, "王建国")  # archived cases are found too
    page = _search(window, "𠮷田")
    assert "搜索“𠮷田”" in page and 'value="𠮷田"' in page


def test_by_whole_id_number_only(station: Station, window: Staff, people: dict[str, tuple[str, str, str]]) -> None:
    case_id, id_number, _phone = people["dot"]
    assert _found(window, id_number) == [case_id]
    assert _found(window, id_number.lower()) == [case_id]
    assert _found(window, f"{id_number[:6]} {id_number[6:]}") == [case_id]
    # never a part of a number: no prefix, no birth date, no last digits, no number one digit short
    for part in (id_number[:6], id_number[:14], id_number[6:14], id_number[-4:], id_number[:17], id_number[1:]):
        assert case_id not in _found(window, part), part
    reply = window.post("/search", {"q": id_number})
    assert reply.status_code == 200  # answered at once: the number never enters a URL
    assert id_number not in reply.text  # masked in the heading and the row, not written back into the box
    assert f"{id_number[:6]}********{id_number[-4:]}" in reply.text


def test_by_whole_phone_only(station: Station, window: Staff, people: dict[str, tuple[str, str, str]]) -> None:
    case_id, _id, phone = people["rare"]
    assert _found(window, phone) == [case_id]
    assert _found(window, f"{phone[:3]} {phone[3:7]} {phone[7:]}") == [case_id]
    for part in (phone[:7], phone[-4:], phone[3:]):
        assert case_id not in _found(window, part), part
    reply = window.post("/search", {"q": phone})
    assert reply.status_code == 200 and phone not in reply.text and f"电话 {phone[:3]}****{phone[-4:]}" in reply.text


def test_a_whole_number_searched_is_audited_masked(
    window: Staff, director: Staff, people: dict[str, tuple[str, str, str]]
) -> None:
    _case_id, id_number, phone = people["dot"]
    window.post("/search", {"q": id_number})
    window.post("/search", {"q": phone})
    log = director.get("/audit").text
    rows = [r for r in log.split("<tr>") if window.username in r]
    assert any("按完整身份证号搜索办件" in r and f"{id_number[:6]}********{id_number[-4:]}" in r for r in rows)
    assert any("按完整电话搜索办件" in r for r in rows)
    assert id_number not in log and phone not in log


def test_by_station_name_or_code(
    live_server: ServerHandle, window: Staff, people: dict[str, tuple[str, str, str]]
) -> None:
    mine = {case for case, _i, _p in people.values()}
    other = enroll_station(live_server)
    other_case = _pushed(other, 1, "李四", "11010519491231002X", "13800138000")
    by_name = set(_found(window, "测试代办站" + other.code))
    assert other_case in by_name and not by_name & mine
    assert _found(window, other.code) == [other_case]  # its code (also in the 办件编号)


def test_search_with_the_other_filters(
    station: Station, window: Staff, people: dict[str, tuple[str, str, str]]
) -> None:
    mine = {case for case, _i, _p in people.values()}
    assert set(_found(window, station.code, view="archived")) == {people["old"][0]}
    assert set(_found(window, station.code, state="delivered")) == mine - {people["old"][0]}
    assert set(_found(window, station.code, view="queue")) == mine - {people["old"][0]}
    assert _found(window, station.code, station=str(uuid.uuid4())) == []


@pytest.mark.parametrize("query", ["%", "_", "\\", "'", "%%%%", "a" * 400, "\u200b", "𠮷" * 100, "<b>", " "])
def test_odd_text_breaks_nothing_and_wildcards_match_nothing(window: Staff, query: str) -> None:
    page = _search(window, query)
    if query in ("%", "_", "\\", "%%%%"):  # taken as the characters they are, never as LIKE wildcards
        assert "没有符合条件的办件" in page
    if query == "<b>":
        assert "搜索“&lt;b&gt;”" in page
    if query == " ":
        assert "<h1>待办" in page  # nothing to search for: back to the work queue


def test_too_long_text_is_refused_not_an_error(window: Staff) -> None:
    reply = window.http.get(window.base + "/", params={"q": "王" * 401}, allow_redirects=False, timeout=30)
    assert reply.status_code == 422
    assert window.post("/search", {"q": "王" * 401}).status_code == 422
    assert window.post("/search", {"q": "王"}, csrf=False).status_code == 403  # the box's form carries CSRF


def test_the_header_search_box_is_on_every_page(window: Staff, director: Staff) -> None:
    for path in ("/", "/deadlines", "/review", "/followups", "/stations"):
        page = window.get(path).text
        header = page.split("</header>")[0]
        assert 'role="search"' in header and 'name="q"' in header, path
    assert 'role="search"' in director.get("/publish/catalog").text.split("</header>")[0]
    header = window.get("/deadlines").text.split("</header>")[0]
    assert 'method="post" action="/center/search"' in header and 'name="csrf_token"' in header


def test_results_come_in_pages_of_50(live_server: ServerHandle, window: Staff) -> None:
    many = enroll_station(live_server)
    for n in range(1, 53):
        payload = registered_payload(case_no=f"{many.code}-20261123-{n:04d}")
        many.chain.add("case.registered", payload)
    many.client.push_all(many.chain.events)
    first = window.http.get(window.base + "/", params={"q": many.code}, timeout=30).text
    assert "共52件" in first and len(_ROW.findall(first)) == 50 and "第1/2页" in first
    second = window.http.get(window.base + "/", params={"q": many.code, "page": "2"}, timeout=30).text
    assert len(_ROW.findall(second)) == 2 and "第2/2页" in second
    beyond = window.http.get(window.base + "/", params={"q": many.code, "page": "99"}, timeout=30).text
    assert _ROW.findall(beyond) == _ROW.findall(second)  # the last page
    assert set(_ROW.findall(first)).isdisjoint(_ROW.findall(second))
    assert f"q={many.code}" in first.split('class="pager"')[1]  # the pager keeps the search


@pytest.mark.parametrize("query", ["\x00", "王\x00", "1101051949123\x00002X"])
def test_a_nul_character_is_refused_in_chinese_not_an_error(window: Staff, query: str) -> None:
    reply = window.http.get(window.base + "/", params={"q": query}, allow_redirects=False, timeout=30)
    assert reply.status_code in (200, 422), reply.text[-300:]  # PostgreSQL cannot compare a NUL: 422
    if reply.status_code == 422:
        assert "无法保存的字符" in reply.text
    posted = window.post("/search", {"q": query})
    assert posted.status_code in (200, 303, 422), posted.text[-300:]
