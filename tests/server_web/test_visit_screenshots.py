"""Screenshots of 收件回执 for docs/screenshots (run with DAIBANTONG_SCREENSHOTS=1): the page choosing a
station's visit (center_visits.png, 1366×768) and the printed 收件回执's first page (center_receipt.png,
pdftoppm at 150 dpi).

DAIBANTONG_SCREENSHOTS=1 .venv/bin/python -m pytest tests/server_web/test_visit_screenshots.py
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from forms import images
from sync.client.client import SyncClient
from sync.server.core.config import FIXED_TIME_ENV
from tests.domain.factories import signed_handover
from tests.sync.factories import Chain, registered_payload
from tests.sync.live_server import issue_enrollment_code, sqlite_url, start_server

from .browser import chromium
from .helpers import PASSWORD, login, make_staff
from .test_screenshots import CLOCK, MATERIALS, OUT, _id

pytestmark = pytest.mark.skipif(not os.environ.get("DAIBANTONG_SCREENSHOTS"), reason="DAIBANTONG_SCREENSHOTS not set")
PEOPLE = ["王秀英", "王\U00020bb7", "李建国", "张桂兰"]


def test_visit_screenshots(tmp_path: Path) -> None:
    server = start_server(sqlite_url(tmp_path), env={FIXED_TIME_ENV: CLOCK.now().isoformat()})
    rng = random.Random(11)
    day = CLOCK.today()
    try:
        window_user = make_staff(server.database_url, "window", "李窗口")
        window = login(server, window_user)
        client = SyncClient(server.url, timeout=(5, 30))
        station_id, _ = client.enroll(
            issue_enrollment_code(server.database_url, "DH01", "东湖村代办站"), station_code="DH01"
        )
        chain = Chain(station_id, actor="陈代办")
        handovers = []
        for i, name in enumerate(PEOPLE):
            payload = registered_payload(case_no=f"DH01-{day:%Y%m%d}-{i + 1:04d}")
            payload["applicant"] |= {"name": name, "id_number": _id(rng)}
            case_id = str(payload["case_id"])
            chain.add("case.registered", payload)
            chain.add("case.accept", {"case_id": case_id, "accepted_on": day.isoformat(), "due_on": "2026-11-30"})
            chain.add("case.deliver", {"case_id": case_id})
            chain.add("case.handover", signed_handover(case_id, "villager", "clerk", MATERIALS))
            handovers.append(
                (case_id, chain.add("case.handover", signed_handover(case_id, "clerk", "window", MATERIALS)))
            )
        chain.add(
            "case.handover", signed_handover(handovers[0][0], "window", "clerk", MATERIALS[:1], "户口簿核对后交还")
        )
        client.push_all(chain.events)
        for n, (case_id, handover) in enumerate(handovers[:3]):
            receipt = {"handover_id": handover.id, "received": ["0", "1"], "copies": ["1", "2"]}
            if n == 1:
                receipt |= {"received": ["1"], "copies": ["1", "1"], "note": "户口簿原件未随件送达，已电话告知代办员"}
            window.post(f"/cases/{case_id}/receive", receipt | {"form": ["original", "copy"]})  # type: ignore[arg-type]
        OUT.mkdir(parents=True, exist_ok=True)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
            page.goto(server.url + "/center/login")
            page.fill("input[name=username]", window_user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url(server.url + "/center/")
            page.click("nav a:has-text('收件回执')")
            page.wait_for_load_state()
            assert page.input_value("input[name=day]") == day.isoformat()  # today by default
            for link in page.locator("td.case-no a").all():  # a 办件编号 on one line
                assert link.evaluate("(a) => a.getClientRects().length") == 1, link.inner_text()
            page.screenshot(path=str(OUT / "center_visits.png"), full_page=True)
            href = page.get_attribute("a:has-text('打印收件回执')", "href")
            reply = page.request.get(server.url + str(href))
            assert reply.status == 200 and reply.headers["content-type"] == "application/pdf"
            (OUT / "center_receipt.png").write_bytes(images.compact(images.pdf_to_pngs(reply.body(), 150)[0]))
    finally:
        server.stop()
