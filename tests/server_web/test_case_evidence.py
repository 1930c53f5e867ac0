"""The case page lists a case's signatures and scans; 主任 and 窗口 see each one (audited), 督查 only the list."""

from __future__ import annotations

import hashlib
import io
import re

from PIL import Image

from sync.domain.signature import Signature
from tests.domain.factories import SIGNED_AT, signed_handover
from tests.sync.conftest import Station

from .helpers import Staff


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _case_with_evidence(station: Station) -> tuple[str, bytes]:
    """A case whose handover carries the villager's pad signature (ink) and which has a scanned page."""
    case_id = station.chain.new_case()
    handover = signed_handover(case_id, "villager", "clerk", [{"name": "居民身份证", "original": False, "copies": 1}])
    ink = Signature.from_pad(
        "张三",
        "委托人",
        [[(40, 120, 0), (120, 60, 40), (200, 130, 80), (280, 70, 120), (360, 125, 160)]],
        captured_at=SIGNED_AT,
    )
    handover["signatures"][0]["signature_sha256"] = ink.digest()
    handover["signature_data"] = {ink.digest(): ink.to_dict()}
    station.chain.add("case.handover", handover)
    scan = _png()
    sha = hashlib.sha256(scan).hexdigest()
    station.client.upload_blob(scan)
    station.chain.add(
        "case.attach",
        {"case_id": case_id, "sha256": sha, "filename": "户口簿首页.png", "size": len(scan), "mime": "image/png"},
    )
    pushed = station.client.push_all(station.chain.events)
    assert pushed.accepted == len(station.chain.events)  # nothing refused
    return case_id, scan


def _show(staff: Staff, case_id: str, key: str) -> object:
    return staff.post(f"/cases/{case_id}/evidence", {"key": key})


def test_window_staff_see_a_signature_and_a_scan_and_each_view_is_audited(
    station: Station, window: Staff, director: Staff
) -> None:
    case_id, scan = _case_with_evidence(station)
    page = window.get(f"/cases/{case_id}").text
    assert "签名与附件" in page and "委托人签名（张三）" in page and "户口簿首页.png" in page
    assert "代办员签名（李代办）" in page and "记录中没有笔迹" in page  # the clerk's reference came without ink
    keys = re.findall(r'name="key" value="([^"]+)"', page)
    signature_key = next(k for k in keys if k.startswith("sig:"))
    shown = _show(window, case_id, signature_key)
    assert shown.status_code == 200 and '<svg xmlns="http://www.w3.org/2000/svg" class="signature"' in shown.text
    assert "<path d=" in shown.text and "本次查看已留痕" in shown.text
    image = _show(window, case_id, f"blob:{hashlib.sha256(scan).hexdigest()}")
    assert image.status_code == 200 and "data:image/png;base64," in image.text
    log = director.get("/audit").text
    assert log.count("查看签名或附件") >= 2 and "户口簿首页.png" in log


def test_a_supervisor_sees_the_list_but_not_the_signatures(station: Station, supervisor: Staff) -> None:
    case_id, _scan = _case_with_evidence(station)
    page = supervisor.get(f"/cases/{case_id}").text
    assert "委托人签名（张三）" in page and "督查不能查看" in page and 'name="key"' not in page
    assert _show(supervisor, case_id, "sig:1:0").status_code == 403


def test_an_unknown_entry_is_refused_in_chinese(station: Station, window: Staff) -> None:
    case_id, _scan = _case_with_evidence(station)
    for key in ("sig:999:0", "blob:" + "0" * 64, "nonsense", ""):
        reply = _show(window, case_id, key)
        assert reply.status_code == 404 and "没有这个签名或附件" in reply.text
