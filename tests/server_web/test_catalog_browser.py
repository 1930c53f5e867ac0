"""The 事项清单 as a director keeps it in Chromium at 1366×768: one 事项 changed through its form (a bad value
refused next to its field, nothing published), the difference, publishing, the new version; the Excel template
downloaded and a workbook imported through the file input."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.sync.live_server import ServerHandle, publishes_undone

from .browser import chromium
from .helpers import PASSWORD, make_staff

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def director_page(browser: Any, live_server: ServerHandle) -> Iterator[Any]:
    """A director logged in; what the test publishes is undone afterwards (later stations would be sent it)."""
    with publishes_undone(live_server.database_url):
        username = make_staff(live_server.database_url, "director", "王主任")
        page = browser.new_page(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
        page.goto(live_server.url + "/center/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('登录')")
        page.wait_for_url(live_server.url + "/center/")
        yield page
        page.close()


def _history(page: Any) -> list[str]:
    """The 发布记录 table's versions, newest first."""
    rows = page.locator("h2:text-is('发布记录') + table tbody tr td:first-child:not(.empty)")
    return [rows.nth(i).inner_text() for i in range(rows.count())]


def _beside(page: Any, field: Any, message: Any) -> None:
    """``message`` is drawn right under ``field`` (within a line), not somewhere else on the page."""
    box, text = field.bounding_box(), message.bounding_box()
    assert box and text, (box, text)
    assert 0 <= text["y"] - (box["y"] + box["height"]) <= 12 and abs(text["x"] - box["x"]) <= 12, (box, text)
    assert text["y"] + text["height"] <= VIEWPORT["height"], text  # seen without scrolling


def test_edit_one_matter_see_the_difference_and_publish(director_page: Any, live_server: ServerHandle) -> None:
    page = director_page
    page.click("nav summary:has-text('中心管理')")
    page.click("nav a:has-text('事项清单')")
    page.wait_for_url(live_server.url + "/center/publish/catalog")
    history = _history(page)
    row = page.locator("table.catalog-items tbody tr", has=page.locator("td:text-is('MZ001')"))
    assert "最低生活保障" in row.inner_text()
    row.locator("a:has-text('编辑')").click()
    page.wait_for_url("**/center/catalog/item?code=MZ001")
    assert page.inner_text("h1") == "编辑事项 MZ001"
    form_version = page.input_value("input[name=version]")

    name = f"最低生活保障审核确认（{uuid.uuid4().hex[:4]}）"
    page.fill("input[name=name]", name)
    page.fill("input[name=promised_days]", "五天")
    first = page.locator("table.materials-edit tbody tr").first
    material = first.locator("input[name=material_name]").input_value()
    first.locator("select[name=material_original]").select_option("复印件")
    first.locator("input[name=material_copies]").fill("3")
    page.click("button:has-text('核对差异')")
    page.wait_for_load_state()
    # refused next to its field, what was typed kept, and nothing published
    days = page.locator("input[name=promised_days]")
    message = page.locator(".field-error")
    assert message.inner_text() == "承诺时限应为工作日数（即办件填0）"
    assert days.get_attribute("aria-invalid") == "true" and days.input_value() == "五天"
    _beside(page, days, message)
    assert page.evaluate("document.activeElement.name") == "promised_days"
    assert page.locator("p.error").count() == 0 and page.input_value("input[name=name]") == name
    assert page.locator("button:has-text('确认发布')").count() == 0

    # a count of copies that is not one
    days.fill("17")
    first.locator("input[name=material_copies]").fill("两")
    page.click("button:has-text('核对差异')")
    page.wait_for_load_state()
    copies = page.locator("table.materials-edit tbody tr").first.locator("input[name=material_copies]")
    assert page.locator(".field-error").inner_text() == "份数应为不小于1的整数（现为“两”）"
    assert copies.get_attribute("aria-invalid") == "true"
    _beside(page, copies, page.locator(".field-error"))
    copies.fill("3")
    page.click("button:has-text('核对差异')")
    page.wait_for_load_state()

    assert page.inner_text("h1").startswith("核对事项清单")
    notice = page.inner_text("p.notice")
    assert f"新版本 {form_version} 共" in notice and "新增0个，修改1个，删除0个" in notice, notice
    diff = page.locator("table.diff tbody tr")
    assert diff.count() == 1
    cells = [diff.first.locator("td").nth(i).inner_text() for i in range(4)]
    assert cells[:3] == ["修改", "MZ001", name], cells
    assert set(cells[3].split("、")) == {"事项名称", "承诺时限（工作日）", "申请材料"}, cells
    page.goto(live_server.url + "/center/publish/catalog")
    assert _history(page) == history  # the preview published nothing
    page.go_back()
    page.click(f"button:has-text('确认发布版本 {form_version}')")
    page.wait_for_url(f"**/center/publish/catalog?done={form_version}")

    assert page.inner_text("p.ok") == f"已发布版本{form_version}。"
    assert _history(page)[0] == form_version and _history(page)[1:] == history
    row = page.locator("table.catalog-items tbody tr", has=page.locator("td:text-is('MZ001')"))
    assert [row.locator("td").nth(i).inner_text() for i in (1, 4)] == [name, "17"]
    row.locator("a:has-text('编辑')").click()
    page.wait_for_load_state()
    first = page.locator("table.materials-edit tbody tr").first
    assert first.locator("input[name=material_name]").input_value() == material
    assert first.locator("select[name=material_original]").input_value() == "复印件"
    assert first.locator("input[name=material_copies]").input_value() == "3"
    assert page.input_value("input[name=promised_days]") == "17"


def test_template_download_and_a_workbook_through_the_file_input(
    director_page: Any, live_server: ServerHandle, tmp_path: Path
) -> None:
    page = director_page
    page.goto(live_server.url + "/center/publish/catalog")
    history = _history(page)
    with page.expect_download() as template:
        page.click("a:has-text('下载Excel模板')")
    assert template.value.suggested_filename == "事项清单模板.xlsx"
    book = load_workbook(io.BytesIO(Path(template.value.path()).read_bytes()))
    assert book.sheetnames == ["事项", "申请材料", "填写说明"]

    # the current list exported, one matter's 承诺时限 changed in the workbook as a town would, imported back
    with page.expect_download() as exported:
        page.click("a:has-text('导出当前事项清单')")
    assert exported.value.suggested_filename.startswith("事项清单-")
    book = load_workbook(io.BytesIO(Path(exported.value.path()).read_bytes()))
    header = [c.value for c in book["事项"][1]]
    code_col, days_col = header.index("事项编码"), header.index("承诺时限（工作日）")
    row = next(r for r in book["事项"].iter_rows(min_row=2) if r[code_col].value == "MZ001")
    assert row[days_col].value != 23
    row[days_col].value = 23
    edited = tmp_path / "本镇事项清单.xlsx"
    out = io.BytesIO()
    book.save(out)
    edited.write_bytes(out.getvalue())
    version = f"xlsx-{uuid.uuid4().hex[:6]}"
    page.set_input_files("input[type=file][name=file]", str(edited))
    page.fill("input[name=version]", version)
    page.click("button:has-text('导入并核对差异')")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "核对事项清单 本镇事项清单.xlsx"
    assert "新增0个，修改1个，删除0个" in page.inner_text("p.notice")
    cells = page.locator("table.diff tbody tr").first.locator("td")
    assert [cells.nth(i).inner_text() for i in (0, 1, 3)] == ["修改", "MZ001", "承诺时限（工作日）"]

    # a workbook that is not one: refused in Chinese with nothing to publish
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04broken")
    page.goto(live_server.url + "/center/publish/catalog")
    page.set_input_files("input[type=file][name=file]", str(broken))
    page.click("button:has-text('导入并核对差异')")
    page.wait_for_load_state()
    assert "不是有效的Excel文件" in page.inner_text("table.problems")
    assert page.locator("button:has-text('确认发布')").count() == 0
    page.goto(live_server.url + "/center/publish/catalog")
    assert _history(page) == history
