"""The director keeps the 事项清单 in Excel: template, import with row checks, the difference, publish, export.

A workbook of 30 matters written the way a town fills the template (with openpyxl, not with our own
writer) goes through import → preview → publish → a station's next pull → export, and comes back
with the same rows. A bad workbook is refused row by row and publishes nothing.
"""

from __future__ import annotations

import html
import io
import re
import uuid
from typing import Any

import requests
from openpyxl import Workbook, load_workbook

from sync.server.services.catalog_xlsx import ITEM_COLUMNS, MATERIAL_COLUMNS
from tests.sync.conftest import Station

from .helpers import Staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _town_workbook(items: list[list[Any]], materials: list[list[Any]]) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "事项"
    sheet.append([label for _k, label, _w in ITEM_COLUMNS])
    for row in items:
        sheet.append(row)
    sheet.append([])  # a town's list often ends with blank rows
    other = wb.create_sheet("申请材料")
    other.append([label for _k, label, _w in MATERIAL_COLUMNS])
    for row in materials:
        other.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _thirty(prefix: str) -> tuple[list[list[Any]], list[list[Any]]]:
    items, materials = [], []
    for n in range(1, 31):
        code = f"{prefix}{n:03d}"
        immediate = n % 5 == 0
        items.append(
            [code, f"测试事项第{n}项", "镇民政办" if n % 2 else "镇社保所", "即办件" if immediate else "承诺件",
             0 if immediate else 5 + n % 10, "免费", "《社会救助暂行办法》", "",
             f"①提交申请 ②审核。咨询电话：0000-{n:04d}", "", "可依法申请行政复议或者提起行政诉讼。"]
        )  # fmt: skip
        materials.append([code, "居民身份证", "原件", 1, "是", "主件", ""])
        materials.append([code, "户口簿", "复印件", 2, "否" if n % 3 else "是", "附件", "派出所"])
    return items, materials


def _upload(staff: Staff, data: bytes, version: str = "", name: str = "事项清单.xlsx") -> requests.Response:
    return staff.http.post(
        staff.base + "/catalog/import",
        data={"csrf_token": staff.csrf, "version": version},
        files={"file": (name, data, XLSX)},
        allow_redirects=False,
        timeout=60,
    )


def _document_of(preview: str) -> str:
    match = re.search(r'<input type="hidden" name="document" value="([^"]*)">', preview)
    assert match, "the preview offers no document to publish"
    return html.unescape(match[1])


def test_thirty_matters_round_trip_through_excel_to_a_station(director: Staff, station: Station) -> None:
    prefix = f"X{uuid.uuid4().hex[:4].upper()}"
    items, materials = _thirty(prefix)
    version = f"xlsx-{prefix}"
    preview = _upload(director, _town_workbook(items, materials), version)
    assert preview.status_code == 200, preview.text
    assert f"新版本 <b>{version}</b> 共30个事项" in preview.text and "新增30个" in preview.text
    published = director.post("/publish/catalog", {"document": _document_of(preview.text)})
    assert published.status_code == 303 and f"done={version}" in published.headers["location"]

    (event,) = [e for e in station.client.pull().events if e.type == "catalog.published"][-1:]
    sent = event.payload["catalog"]
    assert sent["version"] == version and len(sent["items"]) == 30
    first = sent["items"][0]
    assert first["code"] == f"{prefix}001" and first["case_type"] == "promised" and first["promised_days"] == 6
    assert [m["copies"] for m in first["materials"]] == [1, 2] and first["materials"][1]["original"] is False

    exported = director.get("/catalog/export.xlsx")
    assert exported.status_code == 200 and exported.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(exported.content))
    assert [list(r) for r in book["事项"].iter_rows(min_row=2, values_only=True)] == [
        [None if v == "" else v for v in row] for row in items
    ]
    assert [list(r) for r in book["申请材料"].iter_rows(min_row=2, values_only=True)] == [
        [None if v == "" else v for v in row] for row in materials
    ]
    assert "导出事项清单" in director.get("/audit").text


def test_a_bad_workbook_is_refused_row_by_row_and_publishes_nothing(director: Staff) -> None:
    items, materials = _thirty("BAD")
    items[2][3] = "急件"  # row 4 of the sheet
    items[4][4] = "五天"  # row 6
    items[6][0] = items[5][0]  # row 8: a code used twice
    items[8][1] = "最低\ue000生活保障"  # row 10: a private-use character no other PC shows
    materials.append(["NOPE01", "身份证", "原件", 1, "是", "主件", ""])
    materials[0][3] = 0  # copies
    before = director.get("/publish/catalog").text.count("<tr><td>")
    reply = _upload(director, _town_workbook(items, materials), "bad-1")
    assert reply.status_code == 422
    text = html.unescape(reply.text)
    for expected in (
        "<td>事项</td><td>4</td><td>“办件类型”应填“即办件”、“承诺件”、“联办件”或“上报件”（现为“急件”）",
        "<td>事项</td><td>6</td><td>“承诺时限（工作日）”应为不小于0的整数（现为“五天”）",
        "<td>事项</td><td>8</td><td>事项编码“BAD006”重复",
        "<td>事项</td><td>10</td><td>“事项名称”中含有私用区字符（U+E000）",
        "<td>申请材料</td><td>2</td><td>“份数”应为不小于1的整数（现为“0”）",
        "<td>申请材料</td><td>62</td><td>事项编码“NOPE01”不在“事项”表中",
    ):
        assert expected in text, expected
    assert 'name="document"' not in reply.text and "未发布任何内容" in text
    assert director.get("/publish/catalog").text.count("<tr><td>") == before


def test_what_is_not_an_excel_list_is_refused_in_chinese(director: Staff) -> None:
    for data, name in ((b"not a zip at all", "清单.xlsx"), (b"PK\x03\x04broken", "清单.xlsx")):
        reply = _upload(director, data, name=name)
        assert reply.status_code == 422 and "不是有效的Excel文件" in reply.text
    wb = Workbook()
    out = io.BytesIO()
    wb.save(out)
    reply = _upload(director, out.getvalue())
    assert reply.status_code == 422 and "缺少“事项”工作表" in html.unescape(reply.text)


def test_the_template_reads_back_as_a_valid_list(director: Staff) -> None:
    template = director.get("/catalog/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    assert book.sheetnames == ["事项", "申请材料", "填写说明"]
    preview = _upload(director, template.content, "template-check")
    assert preview.status_code == 200 and "共1个事项" in preview.text


def test_one_matter_edited_in_its_form_shows_what_changed(director: Staff) -> None:
    page = director.get("/publish/catalog").text
    code = re.search(r'/catalog/item\?code=([^"]+)"', page)
    assert code
    form = director.get(f"/catalog/item?code={code[1]}")
    assert form.status_code == 200 and 'name="material_name"' in form.text
    values = dict(re.findall(r'<input name="(code|name|department|promised_days|fee)" value="([^"]*)"', form.text))
    materials = re.findall(r'<input name="material_name" value="([^"]*)"', form.text)
    data = {**{k: html.unescape(v) for k, v in values.items()}, "original_code": html.unescape(code[1])}
    data |= {"version": "form-1", "case_type": "promised", "promised_days": "19"}
    body = [*data.items(), *[("material_name", html.unescape(m)) for m in materials]]
    body += [("csrf_token", director.csrf)]
    reply = director.http.post(director.base + "/catalog/item", data=body, allow_redirects=False, timeout=30)
    assert reply.status_code == 200, reply.text
    assert "修改1个" in reply.text and "承诺时限（工作日）" in reply.text and "新增0个" in reply.text
    reported = director.get("/catalog/item?code=MZ001").text  # the shipped 低保 matter is a 上报件
    assert '<option value="reported" selected>上报件</option>' in reported
    added = director.get("/catalog/item").text  # a new matter starts as 承诺件, the type a post without one gets
    kind = re.search(r'<select name="case_type">(.*?)</select>', added, re.S)
    assert kind and re.findall(r"<option [^>]*selected>([^<]*)</option>", kind[1]) == ["承诺件"]
    empty = director.http.post(
        director.base + "/catalog/item", data={"csrf_token": director.csrf, "code": ""}, timeout=30
    )
    assert empty.status_code == 422 and "请填写：事项编码、事项名称、承办部门" in empty.text
    nul = {"csrf_token": director.csrf, "code": "X\x00", "name": "测试", "department": "镇民政办", "promised_days": "5"}
    refused = director.http.post(director.base + "/catalog/item", data=nul, timeout=30)
    assert refused.status_code == 422 and "事项编码中含有无法识别的字符（U+0000）" in html.unescape(refused.text)


def test_window_staff_cannot_touch_the_list(window: Staff) -> None:
    assert window.get("/catalog/export.xlsx").status_code == 403
    assert _upload(window, b"x").status_code == 403
    assert window.get("/catalog/item").status_code == 403
