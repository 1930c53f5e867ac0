"""Screenshots of the center's pages for docs/screenshots (run with DAIBANTONG_SCREENSHOTS=1).

DAIBANTONG_SCREENSHOTS=1 .venv/bin/python -m pytest tests/server_web/test_screenshots.py
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.client.client import SyncClient
from sync.client.transfer import export_unsent
from sync.domain.clock import FixedClock
from sync.domain.events import new_event
from sync.domain.validation import id_check_char
from sync.protocol.transfer import public_key_hex
from sync.server.core.config import FIXED_TIME_ENV
from sync.server.services.transfer import import_station_file
from tests.domain.factories import SIGNED_AT as MADE_AT
from tests.domain.factories import signed_handover
from tests.sync.factories import Chain, registered_payload
from tests.sync.live_server import in_center, issue_enrollment_code, sqlite_url, start_server

from .browser import chromium, staff_pc_fonts
from .drawn_text import assert_drawn
from .helpers import PASSWORD, login, make_staff

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VILLAGES = [
    ("DH01", "东湖村代办站", "陈代办"),
    ("XS02", "西山村代办站", "刘代办"),
    ("NG03", "南岗社区代办站", "黄代办"),
    ("BT04", "北塘村代办站", "吴代办"),
]
PEOPLE = ["王秀英", "李建国", "张桂兰", "刘志强", "陈玉兰", "杨海燕", "赵德华", "周春梅"]
MATERIALS = [
    {"name": "居民户口簿", "original": True, "copies": 1, "pages": 4},
    {"name": "居民身份证复印件", "original": False, "copies": 2},
]
ITEMS = [
    ("YL001", "城乡居民养老保险参保登记", "镇社保所", 5),
    ("YB002", "城乡居民医保缴费登记", "镇医保站", 3),
    ("HJ003", "户籍证明开具", "派出所", 2),
    ("CJ004", "残疾人两项补贴申请", "镇残联", 10),
]

pytestmark = pytest.mark.skipif(not os.environ.get("DAIBANTONG_SCREENSHOTS"), reason="DAIBANTONG_SCREENSHOTS not set")


def _id(rng: random.Random) -> str:
    first = f"43052119{rng.randrange(40, 90)}0{rng.randrange(1, 10)}{rng.randrange(10, 29)}{rng.randrange(100, 999)}"
    return first + id_check_char(first)


#: The center and its stations on the afternoon of a working day.
CLOCK = FixedClock.beijing(2026, 11, 23, 16)
PURPOSES = ["核对养老保险参保信息", "填写医保缴费登记表", "部门要求核对身份"]


def _audit(chain: Chain, rng: random.Random, case_id: str, case_no: str, i: int) -> None:
    """What a clerk did with personal data around case ``i``, earlier today: a full 身份证 number seen, a
    form printed, the 台账 exported (the payloads the station app writes, see desktop/services/safety/audit.py)."""
    one_case = {"subject_case_id": case_id, "case_no": case_no}
    at = CLOCK.now() - timedelta(minutes=(6 - i) * 47 + rng.randrange(0, 40))
    if i in (0, 3):
        _add(chain, at, "audit.id_number_read", one_case | {"purpose": rng.choice(PURPOSES)})
    if i in (1, 4):
        title = {"title": f"代办服务委托书 {case_no}", "case_count": 1, "printer": "HP LaserJet Pro M1136", "pages": 2}
        _add(chain, at, "audit.export", one_case | {"what": "case_form_print"} | title)
    if i == 5:
        day = CLOCK.today()
        ledger = {"what": "ledger_xlsx", "title": f"代办台账 {day:%Y-%m}-01至{day}", "case_count": 6}
        _add(chain, at, "audit.export", ledger | {"file_name": f"代办台账{day:%Y%m}.xlsx", "folder": "E:\\代办台账"})


def _add(chain: Chain, at: datetime, type_: str, payload: Mapping[str, object]) -> None:
    event = new_event(
        station_id=chain.station_id,
        seq=len(chain.events) + 1,
        prev_hash=chain.head,
        type=type_,
        payload=payload,
        actor=chain.actor,
        occurred_at=at.isoformat(timespec="milliseconds"),
    )
    chain.events.append(event)


def test_screenshots(tmp_path: Path) -> None:
    server = start_server(sqlite_url(tmp_path), env={FIXED_TIME_ENV: CLOCK.now().isoformat()})
    rng = random.Random(7)
    day = CLOCK.today()
    try:
        window_user = make_staff(server.database_url, "window", "李窗口")
        window = login(server, window_user)
        n = 0
        for code, name, clerk in VILLAGES:
            client = SyncClient(server.url, timeout=(5, 30))
            station_id, _ = client.enroll(issue_enrollment_code(server.database_url, code, name), station_code=code)
            chain = Chain(station_id, actor=clerk)
            for i in range(6):
                n += 1
                payload = registered_payload(case_no=f"{code}-{day:%Y%m%d}-{i + 1:04d}")
                payload["applicant"] |= {"name": rng.choice(PEOPLE), "id_number": _id(rng)}
                icode, iname, dept, days = rng.choice(ITEMS)
                payload["item"] = {"code": icode, "name": iname, "department": dept, "promised_days": days}
                if i == 1:  # an 即办件, done on the spot
                    payload["case_type"], days = "immediate", 0
                case_id = str(payload["case_id"])
                accepted = day if days == 0 else day - timedelta(days=rng.randrange(0, 12))
                chain.add("case.registered", payload)
                due = accepted + timedelta(days=days + 2)
                chain.add(
                    "case.accept", {"case_id": case_id, "accepted_on": accepted.isoformat(), "due_on": due.isoformat()}
                )
                if i < 5:
                    chain.add("case.deliver", {"case_id": case_id})
                if i in (2, 3):  # materials handed to the window: 确认收件 pending on -0004, disputed on -0003
                    chain.add("case.handover", signed_handover(case_id, "villager", "clerk", MATERIALS))
                    handover = chain.add("case.handover", signed_handover(case_id, "clerk", "window", MATERIALS))
                client.push_all(chain.events)
                if i == 2:
                    receipt = {"handover_id": handover.id, "received": ["1"], "copies": ["1", "1"]}
                    receipt |= {"form": ["original", "copy"], "note": "户口簿原件未随件送达，已电话告知代办员"}
                    window.post(f"/cases/{case_id}/receive", receipt)  # type: ignore[arg-type]
                if i < 3:
                    window.post(f"/cases/{case_id}/decide", {"action": "center_accept"})
                if i < 2:
                    window.post(f"/cases/{case_id}/decide", {"action": "center_complete", "result": "已办结"})
                    rating = 2 if (code == "XS02" and i == 0) else rng.choice([5, 5, 4, 5, 3])
                    chain.add("case.give_feedback", {"case_id": case_id, "rating": rating})
                    client.push_all(chain.events)
                if code == "DH01" and i == 4:  # sent back for 补正, corrected and delivered again: 补正已交回
                    window.post(
                        f"/cases/{case_id}/decide", {"action": "center_request_correction", "missing": "户口簿"}
                    )
                    again = (day + timedelta(days=days + 2)).isoformat()
                    chain.add("case.accept", {"case_id": case_id, "accepted_on": day.isoformat(), "due_on": again})
                    chain.add("case.deliver", {"case_id": case_id})
                    client.push_all(chain.events)
                _audit(chain, rng, case_id, payload["case_no"], i)
            client.push_all(chain.events)
        director_user = make_staff(server.database_url, "director", "王主任")
        supervisor_user = make_staff(server.database_url, "supervisor", "赵督查")
        OUT.mkdir(parents=True, exist_ok=True)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
            page.goto(server.url + "/center/login")
            page.fill("input[name=username]", window_user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url(server.url + "/center/")
            page.goto(server.url + "/center/?view=all")  # every case (the page opens on the work queue)
            page.screenshot(path=str(OUT / "center_inbox.png"), full_page=True)
            page.click("a:has-text('-0004')")  # a case delivered, not yet accepted
            page.screenshot(path=str(OUT / "center_case.png"), full_page=True)
            page.goto(server.url + "/center/?view=all")
            page.click("a:has-text('-0003')")
            page.screenshot(path=str(OUT / "center_case_discrepancy.png"), full_page=True)
            page.goto(server.url + f"/center/review?period={day:%Y-%m}")
            page.screenshot(path=str(OUT / "center_review.png"), full_page=True)
            page.goto(server.url + "/center/followups")
            page.screenshot(path=str(OUT / "center_followups.png"), full_page=True)
            audit = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
            audit.goto(server.url + "/center/login")
            audit.fill("input[name=username]", supervisor_user)
            audit.fill("input[name=password]", PASSWORD)
            audit.click("button:has-text('登录')")
            audit.wait_for_url(server.url + "/center/")
            audit.click("a:has-text('个人信息审计')")
            audit.screenshot(path=str(OUT / "center_station_audit.png"), full_page=True)
            _work_queue_and_search(browser, server.url, window_user)
            _director_pages(browser, server.url, director_user)
    finally:
        server.stop()


def _director_pages(browser: object, url: str, username: str) -> None:
    """center_trend.png, center_catalog.png and center_catalog_item.png: the review's 12-month trend, the
    事项清单 kept in Excel, and one 事项 in its form (the shipped 低保, a 上报件 with eight materials)."""
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(url + "/center/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(url + "/center/")
    page.goto(url + "/center/review/trend")
    assert page.locator("svg.trend polyline, svg.trend circle").count() > 0
    page.screenshot(path=str(OUT / "center_trend.png"), full_page=True)
    page.goto(url + "/center/publish/catalog")
    page.screenshot(path=str(OUT / "center_catalog.png"))
    page.goto(url + "/center/catalog/item?code=MZ001")
    assert page.locator("select[name=case_type] option[selected]").inner_text() == "上报件"
    page.screenshot(path=str(OUT / "center_catalog_item.png"), full_page=True)


def _work_queue_and_search(browser: object, url: str, username: str) -> None:
    """center_work_queue.png and center_search.png at a window PC's 1366×768: the inbox as it opens (the work
    queue, most urgent first, each row saying why) and what the header's box finds for a part of a name."""
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(url + "/center/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(url + "/center/")
    for link in page.locator("table.cases tbody td:first-child a").all():  # a 办件编号 on one line
        assert link.evaluate("(a) => a.getClientRects().length") == 1, link.inner_text()
    page.screenshot(path=str(OUT / "center_work_queue.png"))
    page.fill("header input[name=q]", "秀英")
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.inner_text("h1").startswith("搜索“秀英”")
    page.screenshot(path=str(OUT / "center_search.png"))


def test_rare_name_screenshot(tmp_path: Path) -> None:
    """docs/screenshots/center-rare-name.png: the case page of 王𠮷堃 (𠮷 U+20BB7, CJK Ext B), handled by the
    代办员 阿依古丽·买买提, at a window PC's 1366×768 with no font of its own for Ext B (issue 13)."""
    server = start_server(sqlite_url(tmp_path), env={FIXED_TIME_ENV: CLOCK.now().isoformat()})
    day = CLOCK.today()
    try:
        client = SyncClient(server.url, timeout=(5, 30))
        station_id, _ = client.enroll(
            issue_enrollment_code(server.database_url, "DH01", "东湖村代办站"), station_code="DH01"
        )
        chain = Chain(station_id, actor="阿依古丽·买买提")
        payload = registered_payload(case_no=f"DH01-{day:%Y%m%d}-0007")
        payload["applicant"] |= {"name": "王\U00020bb7堃", "id_number": _id(random.Random(13)), "phone": "13907431234"}
        payload["item"] = {
            "code": "YL001",
            "name": "城乡居民养老保险参保登记",
            "department": "镇社保所",
            "promised_days": 5,
        }
        payload["materials"] = [m | {"required": True, "present": True} for m in MATERIALS]
        case_id = str(payload["case_id"])
        chain.add("case.registered", payload)
        due = day + timedelta(days=7)
        chain.add("case.accept", {"case_id": case_id, "accepted_on": day.isoformat(), "due_on": due.isoformat()})
        chain.add("case.deliver", {"case_id": case_id})
        client.push_all(chain.events)
        window_user = make_staff(server.database_url, "window", "李窗口")
        OUT.mkdir(parents=True, exist_ok=True)
        with chromium(staff_pc_fonts(tmp_path / "pc")) as browser:  # a PC with a GBK font, none for Ext B
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
            page.goto(f"{server.url}/center/login?next=/center/cases/{case_id}")
            page.fill("input[name=username]", window_user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url(f"{server.url}/center/cases/{case_id}")
            name = page.locator("dt:text-is('申请人') + dd")
            assert_drawn(page, name, {"\U00020bb7": "HanaMinB"})  # 𠮷 in the page's pixels, not an empty box
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(OUT / "center-rare-name.png"))
    finally:
        server.stop()


def test_stations_pending_key_screenshot(tmp_path: Path) -> None:
    """docs/screenshots/center_stations_pending_key.png: the 代办站 page as the director sees it after the USB
    file of a station that syncs only by U盘 brought its signing key (待确认的签名密钥, with the form)."""
    server = start_server(sqlite_url(tmp_path), env={FIXED_TIME_ENV: CLOCK.now().isoformat()})
    try:
        for n, (code, name, clerk) in enumerate(VILLAGES):
            client = SyncClient(server.url, timeout=(5, 30))
            station_id, token = client.enroll(issue_enrollment_code(server.database_url, code, name), station_code=code)
            chain = Chain(station_id, actor=clerk)
            chain.new_case()
            key = Ed25519PrivateKey.generate()
            if n == 1:  # 西山村: USB only, its file carries its key
                data = export_unsent(
                    station_id=station_id, token=token, events=chain.events, created_at=MADE_AT, private_key=key
                )
                in_center(server.database_url, lambda session, data=data: import_station_file(session, data))
            else:
                client.handshake(station_id, signing_public_key=public_key_hex(key))
                client.push_all(chain.events)
        director_user = make_staff(server.database_url, "director", "王主任")
        OUT.mkdir(parents=True, exist_ok=True)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
            page.goto(server.url + "/center/login")
            page.fill("input[name=username]", director_user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url(server.url + "/center/")
            page.goto(server.url + "/center/stations")
            assert page.locator("h2:has-text('待确认的签名密钥')").count() == 1
            page.fill("input[name=fingerprint]", "1234 5678")
            page.screenshot(path=str(OUT / "center_stations_pending_key.png"), full_page=True)
    finally:
        server.stop()
