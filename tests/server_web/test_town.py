"""本镇信息: the 主任 publishes the center's name, phones and public case address; a station gets them by
sync and its printed forms carry them: the QR code decodes to the published case address (issue 14)."""

from __future__ import annotations

import pytest
import zxingcpp

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.printing.case_forms import entrustment_pdf
from desktop.services.syncing import center_sync
from sync.domain.errors import ValidationError
from sync.domain.town import TownInfo
from tests.desktop.conftest import complete_draft
from tests.forms import glyphs, pdfcheck
from tests.sync.live_server import ServerHandle

from .helpers import Staff

PUBLIC = "https://wmfw.chengguan.gov.cn/case/"
TOWN = {
    "center_name": "城关镇为民服务中心",
    "center_address": "城关镇人民路1号",
    "consult_phone": "0571-8861 2300",
    "supervise_phone": "0571-8861 2399",
    "case_url_base": PUBLIC,
}


def test_only_the_director_publishes_and_bad_input_is_refused_in_chinese(
    live_server: ServerHandle, director: Staff, window: Staff
) -> None:
    assert window.get("/town").status_code == 403
    assert window.post("/town", TOWN).status_code == 403
    for field, value, words in (
        ("case_url_base", "http://wmfw.chengguan.gov.cn/case/", "https://"),
        ("consult_phone", "call me", "咨询电话格式不正确"),
        ("center_name", "", "请填写中心名称"),
        ("center_address", "人民路\x001号", "中心地址"),
    ):
        reply = director.post("/town", {**TOWN, field: value})
        assert reply.status_code == 422, (field, reply.status_code)
        assert words in reply.text and 'aria-invalid="true"' in reply.text
    assert "尚未发布" in director.get("/town").text


def test_a_published_address_reaches_the_station_and_its_qr_codes(
    live_server: ServerHandle, director: Staff, desktop_station: ServiceContext
) -> None:
    ctx = desktop_station
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    before = entrustment_pdf(ctx, case_id)
    (plain,) = [c.text for c in zxingcpp.read_barcodes(glyphs.pages(before, 200)[0])]
    case_no = plain  # nothing published: the code holds the case number alone
    assert "办件编号" in pdfcheck.text(before) and "扫码查看" not in pdfcheck.text(before)

    assert director.post("/town", TOWN).status_code == 303
    assert "城关镇为民服务中心" in director.get("/town").text
    center_sync.sync_now(ctx)
    assert ctx.town is not None and ctx.town.case_url_base == PUBLIC

    after = entrustment_pdf(ctx, case_id)
    (linked,) = [c.text for c in zxingcpp.read_barcodes(glyphs.pages(after, 200)[0])]
    assert linked == PUBLIC + case_no
    assert "扫码查看办理进度" in pdfcheck.text(after)


def test_the_rules_of_the_document() -> None:
    info = TownInfo.from_dict({**TOWN, "case_url_base": "https://wmfw.chengguan.gov.cn/case"})
    assert info.case_url_base == PUBLIC  # a trailing slash is added
    assert TownInfo.from_dict({**TOWN, "case_url_base": ""}).case_url_base == ""
    with pytest.raises(ValidationError) as caught:
        TownInfo.from_dict({**TOWN, "case_url_base": "javascript:alert(1)"})
    assert caught.value.field == "case_url_base"
    with pytest.raises(ValidationError):
        TownInfo.from_dict({**TOWN, "center_name": ["城关镇"]})
