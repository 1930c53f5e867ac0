"""Issue 13 on a staff PC with no font for Ext A-F (as on a 信创 Linux PC, and this test machine): in a real
headless Chromium the case page and the inbox draw each character of 王𠮷堃, 周𬌗, 刘䶮 and 孙𫜶 (a Unicode 14
addition only the BabelStone supplement has) with a real glyph, judged from the page's pixels (drawn_text.py);
the browser fetches only the few small slices of the covering fonts that hold them, and each once for all
pages, tabs and restarts; the inbox's 代办员 filter takes such a name and gives it back."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tests.domain.names_corpus import NAMES
from tests.sync.conftest import Station
from tests.sync.factories import registered_payload
from tests.sync.live_server import ServerHandle

from .browser import chromium_profile, staff_pc_fonts
from .drawn_text import assert_drawn
from .helpers import PASSWORD, make_staff

#: Applicants (Ext B, Ext E, Ext A and a Unicode 14 addition to Ext C).
APPLICANTS = {"ext_b": NAMES["ext_b"], "ext_e": NAMES["ext_e"], "ext_a": NAMES["ext_a"], "supplement": "孙\U0002b736"}
#: The characters GBK lacks, and the @font-face family that must draw each.
FACE_OF = {"\U00020bb7": "HanaMinB", "\U0002c317": "HanaMinB", "䶮": "HanaMinA", "\U0002b736": "BabelStone Han"}
CLERK = NAMES["ext_e"]
#: A slice of a covering font (HanaMinB-007.<digest>.ttf) or the supplement, served whole (46 KB).
_SLICE = re.compile(r"(HanaMin[AB]-\d{3}|BabelStoneHan-supplement)\.[0-9a-f]{12}\.ttf")


def _font_downloads(context: Any, page: Any, log: list[tuple[str, int]]) -> None:
    """Append (font file, bytes over the wire) to ``log`` for each font ``page`` loads, 0 when from the cache."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))

    def finished(e: dict[str, Any]) -> None:
        url = urls.get(e["requestId"], "")
        if "/static/fonts/" in url:
            log.append((url.rsplit("/", 1)[1], int(e["encodedDataLength"])))

    cdp.on("Network.loadingFinished", finished)


def _push_cases(station: Station) -> dict[str, str]:
    station.chain.actor = CLERK
    ids = {}
    for n, (key, name) in enumerate(APPLICANTS.items(), start=1):
        payload = registered_payload(case_no=f"RN01-20261123-{n:04d}")
        payload["applicant"] |= {"name": name}
        station.chain.add("case.registered", payload)
        ids[key] = str(payload["case_id"])
    station.client.push_all(station.chain.events)
    return ids


def _faces(name: str) -> dict[str, str]:
    return {ch: FACE_OF[ch] for ch in name if ch in FACE_OF}


def _log_in_to(page: Any, server: ServerHandle, user: str, path: str) -> None:
    page.goto(f"{server.url}/center/login?next={path}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(server.url + path)


def test_rare_names_are_drawn_on_the_case_page_and_in_the_inbox(
    live_server: ServerHandle, station: Station, tmp_path: Path
) -> None:
    ids = _push_cases(station)
    user = make_staff(live_server.database_url, "window", "李窗口")
    downloads: list[tuple[str, int]] = []
    env = staff_pc_fonts(tmp_path / "pc")
    with chromium_profile(tmp_path / "profile", env) as context:
        page = context.new_page()  # type: ignore[attr-defined]
        _font_downloads(context, page, downloads)
        # straight to the case page of 王𠮷堃 (the login page forwards, and holds no rare character)
        page.goto(f"{live_server.url}/center/login?next=/center/cases/{ids['ext_b']}")
        assert downloads == []
        _log_in_to(page, live_server, user, f"/center/cases/{ids['ext_b']}")
        assert_drawn(page, page.locator("dt:text-is('申请人') + dd"), _faces(NAMES["ext_b"]))
        assert_drawn(page, page.locator("dt:text-is('代办员') + dd"), _faces(CLERK))
        # one slice of HanaMinB (𠮷 and 𬌗 lie in two), not the 17.9 MB of the whole font gzipped
        fetched = [(file, size) for file, size in downloads if size]
        assert fetched and all(_SLICE.fullmatch(file) for file, _size in fetched), fetched
        assert 0 < sum(size for _file, size in fetched) < 400_000, fetched
        for key in ("ext_e", "ext_a", "supplement"):
            page.goto(f"{live_server.url}/center/cases/{ids[key]}")
            assert_drawn(page, page.locator("dt:text-is('申请人') + dd"), _faces(APPLICANTS[key]))
            assert_drawn(page, page.locator("dt:text-is('代办员') + dd"), _faces(CLERK))
        # the inbox, filtered by a rare 代办员 name typed into the filter: the name comes back, the four cases too
        inbox = context.new_page()  # type: ignore[attr-defined]
        _font_downloads(context, inbox, downloads)
        inbox.goto(live_server.url + "/center/")
        inbox.fill("input[name=clerk]", CLERK)
        inbox.fill("input[name=matter]", "养老保险")
        inbox.click("button:has-text('筛选')")
        inbox.wait_for_load_state()
        assert inbox.input_value("input[name=clerk]") == CLERK
        assert f"clerk={CLERK}" in unquote(inbox.url)
        rows = inbox.locator("table.cases tbody tr")
        assert sorted(rows.locator("td:nth-child(3)").all_inner_texts()) == sorted(APPLICANTS.values())
        for key, case_id in ids.items():
            row = inbox.locator("table.cases tr", has=inbox.locator(f"a[href='/center/cases/{case_id}']"))
            assert_drawn(inbox, row.locator("td:nth-child(3)"), _faces(APPLICANTS[key]))
            assert_drawn(inbox, row.locator("td:nth-child(8)"), _faces(CLERK))
        inbox.goto(live_server.url + "/center/?clerk=" + NAMES["ext_b"])  # another rare name: nothing, and it stays
        assert inbox.input_value("input[name=clerk]") == NAMES["ext_b"]
        assert "没有符合条件的办件" in inbox.inner_text("table.cases")
    fetched = [(file, size) for file, size in downloads if size]
    # four names, four slices at most (one per character GBK lacks), each fetched once; well under 1 MB in all
    fonts = sorted({file.split(".")[0].split("-")[0] for file, _size in fetched})
    assert fonts == ["BabelStoneHan", "HanaMinA", "HanaMinB"]
    assert len(fetched) == len({file for file, _size in fetched}) <= 4
    assert sum(size for _file, size in fetched) < 1_000_000
    before = len(downloads)
    with chromium_profile(tmp_path / "profile", env) as context:  # the next morning: the same PC, browser restarted
        page = context.new_page()  # type: ignore[attr-defined]
        _font_downloads(context, page, downloads)
        _log_in_to(page, live_server, user, f"/center/cases/{ids['ext_b']}")
        assert_drawn(page, page.locator("dt:text-is('申请人') + dd"), _faces(NAMES["ext_b"]))
    assert len(downloads) > before and all(size == 0 for _file, size in downloads[before:])  # from the disk cache
