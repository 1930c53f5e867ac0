"""Evaluation numbers on a small known data set, 差评 follow-ups, the chart and the Excel export."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import datetime, timedelta

import pypdf
import pytest
from openpyxl import load_workbook

from sync.domain.feedback import feedback_content
from tests.domain.factories import signature_ref
from tests.sync.conftest import Station
from tests.sync.factories import registered_payload
from tests.sync.live_server import CENTER_TODAY, ServerHandle

from .helpers import Staff


def _case(station: Station, window: Staff, n: int, case_type: str, accepted: str, due: str, rating: int | None) -> str:
    """A case pushed to the center, accepted and completed by the window today, then rated at the station."""
    payload = registered_payload(case_no=f"{station.code}-{n:04d}")
    payload["case_type"] = case_type
    case_id = str(payload["case_id"])
    station.chain.add("case.registered", payload)
    station.chain.add("case.accept", {"case_id": case_id, "accepted_on": accepted, "due_on": due})
    station.chain.add("case.deliver", {"case_id": case_id})
    station.client.push_all(station.chain.events)
    if rating is None:
        return case_id
    assert window.post(f"/cases/{case_id}/decide", {"action": "center_accept"}).status_code == 303
    done = window.post(f"/cases/{case_id}/decide", {"action": "center_complete", "result": "已办结"})
    assert done.status_code == 303
    station.chain.add("case.give_feedback", {"case_id": case_id, "rating": rating})
    station.client.push_all(station.chain.events)
    return case_id


def _known_data_set(station: Station, window: Staff) -> dict[str, str]:
    day = CENTER_TODAY
    iso = day.isoformat()
    return {
        "on_time": _case(station, window, 1, "promised", iso, (day + timedelta(days=9)).isoformat(), 5),
        "late_bad": _case(
            station, window, 2, "promised", (day - timedelta(days=12)).isoformat(), (day - timedelta(3)).isoformat(), 2
        ),
        "on_spot": _case(station, window, 3, "immediate", iso, iso, 4),
        "open": _case(station, window, 4, "promised", iso, (day + timedelta(days=9)).isoformat(), None),
    }


def _row_cells(html: str, label: str) -> list[str]:
    for row in html.split("<tr")[1:]:
        cells = [re.sub(r"\s+", "", c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label}")


def _paged_to(window: Staff, url: str, label: str, param: str = "page") -> str:
    """The review page of ``url`` whose table, paged by ``param`` (``page`` the stations', ``cpage`` the
    clerks'), holds ``label``'s row: a server shared by many tests holds more stations than one page."""
    for n in range(1, 1000):
        html = window.get(f"{url}&{param}={n}").text
        if re.search(rf"<td>{re.escape(label)}</td>", html) or f'&amp;{param}={n + 1}">下一页' not in html:
            return html
    raise AssertionError(f"no page of {url} ends")


def test_evaluation_numbers_and_followup(live_server: ServerHandle, station: Station, window: Staff) -> None:
    cases = _known_data_set(station, window)
    period = CENTER_TODAY.strftime("%Y-%m")
    assert window.get(f"/review?period={period}").status_code == 200
    label = f"测试代办站{station.code}（{station.code}）"
    page = _paged_to(window, f"/review?period={period}", label)
    assert _row_cells(page, label) == [label, "4", "100.0%（1/1）", "50.0%（1/2）", "3", "66.7%", "1"]
    assert "<svg" in page and f">{label}</text>" in page and "目标98%" in page
    clerks = _paged_to(window, f"/review?period={period}", f"李代办 · {label}", "cpage")
    clerk = _row_cells(clerks, f"李代办·{label}")
    assert clerk[1:] == ["4", "100.0%（1/1）", "50.0%（1/2）", "3", "66.7%", "1"]

    ledger = window.get("/followups").text
    bad_id = cases["late_bad"]
    assert f"/cases/{bad_id}" in ledger and "不满意" in ledger and "登记回访整改" in ledger
    assert "张三" in ledger and "138****8000" in ledger and "13800138000" not in ledger  # whom to call, masked
    assert all(f"/cases/{cases[k]}" not in ledger for k in ("on_time", "on_spot", "open"))

    before = len(station.client.pull().events)
    closed = window.post(f"/followups/{bad_id}/close", {"outcome": "已电话回访，代办员当面致歉并加快办理"})
    assert closed.status_code == 303
    assert "已办结" in window.get("/followups").text
    events = station.client.pull().events
    assert len(events) == before + 1 and events[-1].type == "case.center_close_rating"
    again = window.post(f"/followups/{bad_id}/close", {"outcome": "再次"})
    assert again.status_code == 422 and "已回访整改完毕" in again.text

    export = window.get(f"/review.xlsx?period={period}")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    rows = [[c for c in r] for r in book["考核"].iter_rows(values_only=True)]
    # numbers as numbers (shown as percentages), so the town can sort and sum them in Excel
    assert [label, 4, 1.0, 0.5, 3, pytest.approx(2 / 3), 1] in rows
    (cell,) = [r[5] for r in book["考核"].iter_rows() if r[0].value == label]
    assert cell.number_format == "0.0%"
    ledger_rows = list(book["差评台账"].iter_rows(values_only=True))
    (bad,) = [r for r in ledger_rows if r[0] == f"{station.code}-0002"]
    assert bad[8].startswith("已电话回访") and isinstance(bad[5], datetime) and bad[5].date() == CENTER_TODAY


def test_bad_period_is_refused_in_chinese(live_server: ServerHandle, supervisor: Staff) -> None:
    reply = supervisor.get("/review?period=2026-13")
    assert reply.status_code == 422 and "月份" in reply.text
    assert supervisor.get("/review?period=2026-Q4").status_code == 200
    assert supervisor.get("/review?period=2026").status_code == 200
    for odd in ("0000", "9999", "9999-12", "1999-Q1"):  # no 500: year 0, or a next year past 9999
        for path in ("/review", "/review.xlsx", "/review.pdf"):
            refused = supervisor.get(f"{path}?period={odd}")
            assert refused.status_code == 422 and "统计周期的年份应在2000年到2100年之间" in refused.text, path


def test_supervisor_cannot_close_a_followup(
    live_server: ServerHandle, station: Station, window: Staff, supervisor: Staff
) -> None:
    day = CENTER_TODAY.isoformat()
    case_id = _case(station, window, 7, "promised", day, day, 1)
    ledger = supervisor.get("/followups").text
    assert f"/cases/{case_id}" in ledger and "待回访" in ledger
    refused = supervisor.post(f"/followups/{case_id}/close", {"outcome": "x"})
    assert refused.status_code == 403


def test_simultaneous_pages_open_each_followup_once(live_server: ServerHandle, station: Station, window: Staff) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import requests

    day = CENTER_TODAY.isoformat()
    case_id = _case(station, window, 9, "promised", day, day, 2)
    cookie = {"dbt_staff": window.http.cookies.get("dbt_staff") or ""}

    def load(path: str) -> int:
        return requests.get(window.base + path, cookies=cookie, timeout=30).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(load, ["/", "/followups", "/review", "/"] * 2))
    assert codes == [200] * 8
    assert window.get("/followups").text.count(f"/center/cases/{case_id}") == 1


def test_pdf_export_has_the_page_numbers_and_is_audited(
    live_server: ServerHandle, station: Station, window: Staff, director: Staff
) -> None:
    _known_data_set(station, window)
    period = CENTER_TODAY.strftime("%Y-%m")
    page = window.get(f"/review?period={period}")
    assert f'href="/center/review.pdf?period={period}">导出PDF</a>' in page.text
    reply = window.get(f"/review.pdf?period={period}")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''%E8%80%83%E6%A0%B8%E7%BB%9F%E8%AE%A1%E8%A1%A8-" in reply.headers["content-disposition"]
    reader = pypdf.PdfReader(io.BytesIO(reply.content))
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    label = f"测试代办站{station.code}（{station.code}）"
    assert "考核统计表" in text and f"统计周期：{CENTER_TODAY.year}年{CENTER_TODAY.month}月" in text
    # the station's line: cases, 即办件 on the spot, 承诺件 on time, ratings, 满意率 (below target), 差评
    assert f"{label}4100.0%（1/1）50.0%未达标366.7%未达标1" in text
    assert f"李代办{label}4100.0%（1/1）50.0%未达标366.7%未达标1" in text
    assert "各代办站满意率" in text and "目标98%" in text and "66.7%未达标" in text
    assert "制表人：测试window" in text and "第1页共" in text  # other tests share the server: 1 or more pages
    audit = director.get("/audit").text
    assert "导出考核统计表PDF" in audit and window.username in audit
    bad = window.get("/review.pdf?period=2026-13")
    assert bad.status_code == 422 and "月份" in bad.text


def test_a_name_no_font_draws_is_refused_in_chinese_not_printed_blank() -> None:
    from forms import demo_review
    from sync.server.services.errors import ServiceError
    from sync.server.services.export import evaluation_pdf

    report = demo_review.review()
    clerks = [dataclasses.replace(report.clerks[0], name="郑\U00030000"), *report.clerks[1:]]
    with pytest.raises(ServiceError) as caught:
        evaluation_pdf(dataclasses.replace(report, clerks=clerks))
    assert "U+30000" in caught.value.message and "第1位代办员姓名" in caught.value.message


def test_trend_page_shows_twelve_months_for_the_town_and_each_station(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    _known_data_set(station, window)
    assert window.get("/review/trend").status_code == 200
    page = window.get(f"/review/trend?station={station.station_id}")  # the tables' page holding its row
    assert page.status_code == 200 and "<svg" in page.text and "目标98%" in page.text
    months = re.findall(r"<th>(\d\d-\d\d)</th>", page.text)
    assert len(months) == 24 and months[11] == CENTER_TODAY.strftime("%y-%m")  # two tables of 12 months
    label = f"测试代办站{station.code}（{station.code}）"
    link = rf'<a href="\?station={station.station_id}&amp;page=\d+">{re.escape(label)}</a></td>(.*?)</tr>'
    row = re.search(link, page.text, re.S)
    assert row and re.findall(r">([^<]*)</td>", row[1])[-1] == "66.7%"  # this month's 满意率
    one = window.get(f"/review/trend?station={station.station_id}")
    assert one.status_code == 200 and f"{label}，近12个月" in one.text
    missing = window.get("/review/trend?station=nobody")
    assert missing.status_code == 404 and "没有这个代办站" in missing.text


def test_the_trend_tables_page_the_stations_and_keep_the_towns_months(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    """A county's 600 stations do not fit one page: 50 a page in name order, the town's row and chart the same
    on every page, the chosen station's line kept while paging; odd pages are clamped or refused in Chinese."""
    from sqlalchemy.orm import Session

    from sync.server.core.models import StationRow
    from tests.sync.live_server import in_center

    _known_data_set(station, window)

    def more(session: Session) -> None:  # named to sort after the other tests' 测试代办站 (a shared server)
        for n in range(1, 56):
            at = "2026-11-01T00:00:00+00:00"
            session.add(StationRow(id=f"trend-{n}", code=f"T{n:02d}", name=f"龙{n}村代办站", enrolled_at=at))

    in_center(live_server.database_url, more)
    first = window.get("/review/trend")
    count = re.search(r"第1/(\d+)页（共(\d+)个代办站，每页50个）", first.text)
    assert count and int(count[2]) >= 56 and int(count[1]) == -(-int(count[2]) // 50) and 'href="?page=2"' in first.text
    pages = [first] + [window.get(f"/review/trend?page={p}") for p in range(2, int(count[1]) + 1)]
    rows = [re.findall(r'<a href="\?station=([^"&]+)&amp;page=\d+">', p.text) for p in pages]
    assert len(rows[0]) == 100 and sum(len(r) for r in rows) == 2 * int(count[2])  # two tables a page
    listed = [r for page_rows in rows for r in page_rows[: len(page_rows) // 2]]
    ours = [r for r in listed if r.startswith("trend-")]
    assert len(listed) == len(set(listed)) and station.station_id in listed
    assert ours == [f"trend-{n}" for n in range(1, 56)]  # once each, in the order people read the names
    total = [re.search(r'<tr class="total"><td>全镇合计</td>(.*?)</tr>', p.text, re.S) for p in pages]
    assert all(t and t[1] == total[0][1] for t in total) and "%</td>" in total[0][1]  # the town's row on every page
    chosen = window.get(f"/review/trend?station={station.station_id}&page=1")
    label = f"测试代办站{station.code}（{station.code}），近12个月"
    assert label in chosen.text and f'href="?station={station.station_id}&amp;page=2"' in chosen.text
    assert f"第{count[1]}/{count[1]}页" in window.get("/review/trend?page=99").text  # past the end: the last page
    for bad in ("0", "abc", "100001"):
        refused = window.get(f"/review/trend?page={bad}")
        assert refused.status_code == 422 and "Traceback" not in refused.text


def test_the_review_tables_page_their_rows_in_the_sorted_order(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    """50 stations and 50 clerks a page, after sorting: the pages together hold each row once, in order; a
    pager keeps the period, the sort and the other table's page. The cases are written through the ORM, as the
    center writes them, so the counts the review keeps follow them."""
    from sqlalchemy.orm import Session

    from sync.server.core.models import CaseRow, StationRow
    from sync.server.services.review_counts import review_columns
    from tests.sync.live_server import in_center

    at = "2019-03-02T02:00:00.000+00:00"  # a month of its own: the other tests' stations share the server

    def more(session: Session) -> None:
        for n in range(1, 61):
            session.add(StationRow(id=f"paged-{n}", code=f"P{n:02d}", name=f"第{n}村", enrolled_at=at))
        session.flush()
        for n in range(1, 61):
            sid = f"paged-{n}"
            for k in range(n % 3 + 1):  # 1-3 cases: sorting by 办件数 reorders them
                data = {"registered_at": at, "clerk": f"代办员{n}", "case_type": "promised", "case_id": f"{sid}-{k}"}
                row = {"case_id": f"{sid}-{k}", "station_id": sid, "case_no": f"P{n:02d}-{k}", "state": "accepted"}
                session.add(CaseRow(**row, data=data, updated_at=at, **review_columns(data)))

    in_center(live_server.database_url, more)
    period = "2019-03"

    def names(html: str, table: int) -> list[str]:
        body = html.split('<table class="rates">')[table].split("</tbody>")[0]
        return re.findall(r"<tr[^>]*><td>(.*?)</td>", body)

    pages = [window.get(f"/review?period={period}&sort=cases&order=desc&page={p}&cpage=2").text for p in (1, 2)]
    stations = names(pages[0], 1) + names(pages[1], 1)
    counts = {f"第{n}村（P{n:02d}）": n % 3 + 1 for n in range(1, 61)}
    assert len(names(pages[0], 1)) == 50 and sorted(stations) == sorted(counts)  # each on one page
    assert [counts[s] for s in stations] == sorted(counts.values(), reverse=True)  # one order over the pages
    assert "第1/2页（共" in pages[0] and "个代办站，每页50个）" in pages[0]
    pager = f'href="?period={period}&amp;sort=cases&amp;order=desc&amp;cpage=2&amp;page=2"'
    assert pager in pages[0]  # the stations' next page keeps the sort and the clerks' page
    clerks = names(pages[0], 2)
    assert "第2/2页" in pages[0].split('<table class="rates">')[2] and 0 < len(clerks) <= 50
    last = window.get(f"/review?period={period}&page=99&cpage=99").text
    assert "第2/2页（共" in last  # past the end: the last page
    for bad in ("page=0", "cpage=abc", "page=100001"):
        refused = window.get(f"/review?period={period}&{bad}")
        assert refused.status_code == 422 and "Traceback" not in refused.text


def test_review_tables_sort_by_any_column(live_server: ServerHandle, station: Station, window: Staff) -> None:
    _known_data_set(station, window)
    period = CENTER_TODAY.strftime("%Y-%m")
    by_bad = window.get(f"/review?period={period}&sort=bad&order=desc").text
    first = re.search(r'<table class="rates">.*?<tbody>\s*<tr[^>]*><td>(.*?)</td><td>(\d+)</td>', by_bad, re.S)
    assert first and "▼" in by_bad and 'aria-sort="descending"' in by_bad
    assert window.get(f"/review?period={period}&sort=bad&order=sideways").status_code == 422


def test_names_sort_as_people_read_them_and_rates_without_a_value_come_last() -> None:
    from sync.server.services.evaluation import Rates, natural_key, sort_rates

    assert sorted(["10组", "2组", "1组"], key=natural_key) == ["1组", "2组", "10组"]
    a, b, c = Rates("a", "第10村"), Rates("b", "第2村"), Rates("c", "第3村")
    a.rated, a.satisfied, b.rated, b.satisfied = 4, 4, 4, 2
    assert [r.label for r in sort_rates([a, b, c], "name")] == ["第2村", "第3村", "第10村"]
    assert [r.label for r in sort_rates([a, b, c], "satisfaction")] == ["第10村", "第2村", "第3村"]
    assert [r.label for r in sort_rates([a, b, c], "satisfaction", descending=False)] == ["第2村", "第10村", "第3村"]


def test_the_followup_ledger_pages_with_its_true_totals(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    from sqlalchemy.orm import Session

    from sync.server.services.evaluation import FollowupPage, followup_page
    from tests.sync.live_server import in_center

    day = CENTER_TODAY.isoformat()
    mine = {_case(station, window, n, "promised", day, day, 1) for n in (11, 12, 13)}
    window.get("/followups")  # opens the follow-ups of the new 差评

    def pages(session: Session) -> tuple[FollowupPage, set[str], FollowupPage]:
        first = followup_page(session, 1, per_page=2)
        seen = {line.row.case_id for p in range(1, first.pages + 1) for line in followup_page(session, p, 2).lines}
        return first, seen, followup_page(session, first.pages + 5, per_page=2)

    first, seen, beyond = in_center(live_server.database_url, pages)
    assert first.total >= 3 and first.pages == -(-first.total // 2) and len(first.lines) == 2
    assert mine <= seen and len(seen) == first.total  # every follow-up on exactly one page
    assert beyond.page == first.pages  # a page past the end shows the last one


def test_the_rated_dimensions_reach_the_review_page_excel_and_pdf(
    live_server: ServerHandle, station: Station, window: Staff
) -> None:
    """服务效率/服务水平/服务态度 of signed 反馈表 reach the case projection and the review: average and 满意率
    per station, beside the overall rating; a rating recorded before the dimensions counts only overall."""
    rated = {"efficiency": 5, "competence": 4, "attitude": 2}
    _case(station, window, 21, "promised", CENTER_TODAY.isoformat(), CENTER_TODAY.isoformat(), None)
    _case(station, window, 22, "promised", CENTER_TODAY.isoformat(), CENTER_TODAY.isoformat(), 5)
    signed = _case(station, window, 23, "promised", CENTER_TODAY.isoformat(), CENTER_TODAY.isoformat(), None)
    assert window.post(f"/cases/{signed}/decide", {"action": "center_accept"}).status_code == 303
    assert window.post(f"/cases/{signed}/decide", {"action": "center_complete", "result": "已办结"}).status_code == 303
    content = feedback_content(signed, True, 4, {"suggestions": "希望缩短等候时间"}, rated)
    station.chain.add("case.give_feedback", {**content, "signature": signature_ref("张三", "委托人", content)})
    station.client.push_all(station.chain.events)

    period = CENTER_TODAY.strftime("%Y-%m")
    label = f"测试代办站{station.code}（{station.code}）"
    page = _paged_to(window, f"/review?period={period}", label)
    scores = re.split(r"分项评价（按代办站[^）]*）", page)[1]
    assert _row_cells(scores, label)[1:] == [
        "4.50分·100.0%（2/2）",  # overall: 5 (older form) and 4 (signed with dimensions)
        "5.00分·100.0%（1/1）",
        "4.00分·100.0%（1/1）",
        "2.00分·0.0%（0/1）",
    ]

    sheet = load_workbook(io.BytesIO(window.get(f"/review.xlsx?period={period}").content))["分项评价"]
    line = next(row for row in sheet.iter_rows(values_only=True) if row[0] == label)
    assert line[1:4] == (2, 4.5, 1.0) and line[4:7] == (1, 5.0, 1.0) and line[10:13] == (1, 2.0, 0.0)

    reader = pypdf.PdfReader(io.BytesIO(window.get(f"/review.pdf?period={period}").content))
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    assert "分项评价（按代办站，服务意见反馈表）" in text
    assert f"{label}4.50分100.0%（2/2）5.00分100.0%（1/1）4.00分100.0%（1/1）2.00分0.0%（0/1）" in text
