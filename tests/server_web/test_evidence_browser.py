"""A case's signatures and scans on its page in Chromium at 1366×768: a window clerk and the director open the
villager's pad signature (SVG) and a scanned page, see them drawn, and each view is in the 操作日志; a
supervisor sees the list without a way to open them, and posting the view by hand is refused with 403."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

from .browser import chromium
from .helpers import PASSWORD, make_staff
from .test_case_evidence import _case_with_evidence

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _login(browser: Any, server: ServerHandle, role: str, name: str, case_id: str) -> tuple[Any, str]:
    """A page of a new ``role`` account, on the case page; and its username."""
    username = make_staff(server.database_url, role, name)
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(f"{server.url}/center/login?next=/center/cases/{case_id}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{server.url}/center/cases/{case_id}")
    return page, username


def _evidence_row(page: Any, title: str) -> Any:
    return page.locator("table.evidence tbody tr", has=page.locator(f"td:text-is('{title}')"))


def _open(page: Any, title: str) -> Any:
    """Click 查看（留痕） on the row of ``title``; the figure shown above the list."""
    with page.expect_navigation():
        _evidence_row(page, title).locator("button:has-text('查看（留痕）')").click()
    figure = page.locator("figure.evidence-shown")
    assert title in figure.locator("figcaption").inner_text()
    assert "本次查看已留痕" in figure.locator("figcaption").inner_text()
    return figure


def _audited(page: Any, server: ServerHandle, username: str) -> list[str]:
    """The 内容 column of the 操作日志 rows of ``username`` viewing evidence (the director's page)."""
    page.goto(server.url + "/center/audit")
    rows = page.locator("tbody tr", has=page.locator(f"td:text-is('{username}')"))
    return [
        rows.nth(i).locator("td").nth(4).inner_text()
        for i in range(rows.count())
        if rows.nth(i).locator("td").nth(2).inner_text() == "查看签名或附件"
    ]


@pytest.mark.parametrize("role", ["window", "director"])
def test_staff_open_a_signature_and_a_scan_and_each_view_is_audited(
    browser: Any, live_server: ServerHandle, station: Station, role: str
) -> None:
    case_id, scan = _case_with_evidence(station)
    page, username = _login(browser, live_server, role, "李窗口" if role == "window" else "王主任", case_id)
    assert "督查不能查看" not in page.inner_text("table.evidence")
    assert "记录中没有笔迹" in _evidence_row(page, "代办员签名（李代办）").inner_text()  # nothing to open there

    figure = _open(page, "委托人签名（张三）")
    drawing = figure.locator("svg.signature")
    strokes = drawing.locator("path")
    assert strokes.count() >= 1 and len(strokes.first.get_attribute("d") or "") > 20
    box = drawing.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 30, box  # drawn at a readable size
    figure.scroll_into_view_if_needed()
    assert page.evaluate("(el) => el.getBoundingClientRect().top >= 0", figure.element_handle())

    figure = _open(page, "户口簿首页.png")
    image = figure.locator("img.scan")
    size = image.evaluate("(img) => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert size == [True, 40, 30], size  # the very scan the station sent, decoded by the browser
    assert hashlib.sha256(scan).hexdigest() in page.content()  # its entry, by digest, in the list's form

    if role != "director":
        page, _boss = _login(browser, live_server, "director", "王主任", case_id)
    seen = _audited(page, live_server, username)
    assert len(seen) == 2 and seen[0].endswith("：户口簿首页.png") and seen[1].endswith("：委托人签名（张三）"), seen


def test_a_supervisor_gets_no_links_and_a_direct_post_is_refused(
    browser: Any, live_server: ServerHandle, station: Station
) -> None:
    case_id, scan = _case_with_evidence(station)
    page, username = _login(browser, live_server, "supervisor", "赵督查", case_id)
    rows = page.locator("table.evidence tbody tr")
    assert rows.count() == 3
    assert "委托人签名（张三）" in page.inner_text("table.evidence")
    assert "户口簿首页.png" in page.inner_text("table.evidence")
    assert page.locator("table.evidence button, table.evidence input[name=key]").count() == 0
    assert page.locator("table.evidence span:text-is('督查不能查看')").count() == 2
    assert page.locator("figure.evidence-shown").count() == 0

    # the same form a window clerk's page has, made by hand in the supervisor's page: 403 in Chinese
    csrf = page.locator("header input[name=csrf_token]").first.input_value()
    for key in (f"blob:{hashlib.sha256(scan).hexdigest()}", "sig:1:0"):
        reply = page.request.post(
            f"{live_server.url}/center/cases/{case_id}/evidence", form={"csrf_token": csrf, "key": key}
        )
        assert reply.status == 403, (key, reply.status)
        assert "data:image" not in reply.text() and "<svg" not in reply.text()
    with page.expect_navigation():
        page.evaluate(
            """([action, csrf]) => {
                const form = Object.assign(document.createElement('form'), {method: 'post', action});
                for (const [name, value] of [['csrf_token', csrf], ['key', 'sig:1:0']]) {
                    form.append(Object.assign(document.createElement('input'), {type: 'hidden', name, value}));
                }
                document.body.append(form);
                form.submit();
            }""",
            [f"/center/cases/{case_id}/evidence", csrf],
        )
    assert "督查人员不能查看签名和附件" in page.inner_text("main")
    assert page.locator("svg.signature").count() == 0
    boss, _ = _login(browser, live_server, "director", "王主任", case_id)
    assert _audited(boss, live_server, username) == []
