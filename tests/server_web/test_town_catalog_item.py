"""本镇事项, one at a time: a town's director adds, edits and removes one of the town's own 事项 on the county's
form, each through the same preview and 确认发布 as the Excel import.

What is published reaches the town's stations by the real pull, merged after the county's list; a code of the
county's list is refused on the form (the code named, nothing stored); hostile input gets a Chinese 4xx, never a
500; the form is the town director's only (window staff, the county, a one-town center refused). Both backends,
real HTTP.
"""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

import pytest
import requests
from sqlalchemy import select

from sync.server.core.staff_models import AuditRow
from sync.server.services.catalog_admin import current_extension
from tests.sync.live_server import in_center

from .helpers import Staff
from .test_catalog_excel import _document_of
from .test_town_catalog import COUNTY_CODE, World, _catalog_at, _codes, _doc, _item, county, world

__all__ = ["county", "world"]  # the module's fixtures: one county server per backend, shared with its towns

#: One material row as the form posts it: 材料名称, 原件/复印件, 份数, 是否必需, 获取方式.
Material = tuple[str, str, str, str, str]
MATERIAL_FIELDS = ("material_name", "material_original", "material_copies", "material_required", "material_how")
ID_CARD: Material = ("居民身份证", "原件", "1", "是", "")


def _fields(code: str, name: str, **changed: str) -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "department": "乙镇农业农村办公室",
        "case_type": "promised",
        "promised_days": "5",
        "fee": "免费",
        "notice": "咨询电话：0000-1234",
    } | changed


def _save(staff: Staff, fields: dict[str, str], materials: tuple[Material, ...] = (ID_CARD,)) -> requests.Response:
    """The form posted as a browser posts it (material rows as repeated fields, one blank row left)."""
    body = [("csrf_token", staff.csrf), *fields.items()]
    for row in (*materials, ("", "原件", "1", "是", "")):
        body += list(zip(MATERIAL_FIELDS, row, strict=True))
    return staff.http.post(staff.base + "/town-catalog/item", data=body, allow_redirects=False, timeout=30)


def _confirm(staff: Staff, preview: requests.Response) -> requests.Response:
    """确认发布 on the preview: its document posted to the town's publish route."""
    assert preview.status_code == 200, preview.text[-500:]
    assert "核对本镇事项" in preview.text and 'action="/center/town-catalog"' in preview.text
    return staff.post("/town-catalog", {"document": _document_of(preview.text)})


def _own(world: World) -> dict[str, Any]:
    return in_center(world.server.database_url, lambda s: current_extension(s, world.town_b))


def _sent_item(world: World, code: str) -> dict[str, Any]:
    at_b = _catalog_at(world.b_station)
    assert at_b is not None
    (item,) = [i for i in at_b["items"] if i["code"] == code]
    return dict(item)


def _audited(world: World, version: str) -> bool:
    def lines(session: Any) -> list[str]:
        query = select(AuditRow.target).where(
            AuditRow.username == world.b_director.username, AuditRow.action == "发布本镇事项"
        )
        return list(session.scalars(query))

    return f"版本{version}" in in_center(world.server.database_url, lines)


def test_add_edit_and_remove_one_item_each_reach_the_towns_stations(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    code = f"YF{tag}"
    page = world.b_director.get("/town-catalog").text
    assert 'href="/center/town-catalog/item">新增事项</a>' in page
    form = world.b_director.get("/town-catalog/item")
    assert form.status_code == 200 and "新增本镇事项" in form.text
    assert 'action="/center/town-catalog/item"' in form.text and 'href="/center/town-catalog">返回</a>' in form.text

    # 新增
    preview = _save(world.b_director, _fields(code, "乙镇油茶林补助申请", version=f"{tag}-1"))
    assert "新增1个" in preview.text and "修改0个" in preview.text and "删除0个" in preview.text
    assert _own(world).get("version") != f"{tag}-1"  # nothing stored before 确认发布
    published = _confirm(world.b_director, preview)
    assert published.status_code == 303 and published.headers["location"].endswith(f"done={tag}-1")
    at_b = _catalog_at(world.b_station)
    assert at_b is not None and at_b["version"].endswith(f"+本镇{tag}-1")
    assert _codes(at_b)[-1] == code and COUNTY_CODE in _codes(at_b)  # the county's first, the town's after
    sent = _sent_item(world, code)
    assert sent["name"] == "乙镇油茶林补助申请" and sent["promised_days"] == 5
    assert [m["name"] for m in sent["materials"]] == ["居民身份证"]
    assert code not in _codes(_catalog_at(world.a_station))  # another town never sees it
    assert _audited(world, f"{tag}-1")

    # the town's 事项 has 编辑 and 删除, the county's none
    page = world.b_director.get("/town-catalog").text
    assert f'href="/center/town-catalog/item?code={code}">编辑</a>' in page
    assert f'href="/center/town-catalog/item/remove?code={code}"' in page
    assert f"item?code={COUNTY_CODE}" not in page and f"remove?code={COUNTY_CODE}" not in page

    # 编辑
    form = world.b_director.get(f"/town-catalog/item?code={code}")
    assert form.status_code == 200 and f"编辑本镇事项 <small>{code}</small>" in form.text
    assert 'value="乙镇油茶林补助申请"' in form.text and f'name="original_code" value="{code}"' in form.text
    changed = _fields(code, "乙镇油茶林改造补助申请", promised_days="12", original_code=code, version=f"{tag}-2")
    preview = _save(world.b_director, changed, (ID_CARD, ("林权证", "复印件", "2", "否", "县林业局")))
    assert "修改1个" in preview.text and "新增0个" in preview.text and "承诺时限（工作日）" in preview.text
    assert _confirm(world.b_director, preview).status_code == 303
    sent = _sent_item(world, code)
    assert sent["name"] == "乙镇油茶林改造补助申请" and sent["promised_days"] == 12
    assert sent["materials"][1] | {"main": True} == {
        "name": "林权证",
        "original": False,
        "copies": 2,
        "required": False,
        "how_to_obtain": "县林业局",
        "main": True,
    }
    assert _catalog_at(world.b_station)["version"].endswith(f"+本镇{tag}-2")  # type: ignore[index]
    assert _audited(world, f"{tag}-2")

    # 删除
    before = _own(world)
    preview = world.b_director.get(f"/town-catalog/item/remove?code={code}")
    assert "删除1个" in preview.text and "新增0个" in preview.text and "乙镇油茶林改造补助申请" in preview.text
    assert _own(world) == before  # nothing stored before 确认发布
    version = re.search(r"新版本 <b>([^<]+)</b>", preview.text)
    assert version
    assert _confirm(world.b_director, preview).status_code == 303
    at_b = _catalog_at(world.b_station)
    assert at_b is not None and code not in _codes(at_b) and COUNTY_CODE in _codes(at_b)
    assert code not in [i["code"] for i in _own(world)["items"]]
    assert _audited(world, html.unescape(version[1]))


def test_a_new_code_on_the_form_renames_the_item_in_its_place(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    own = {"version": f"{tag}-1", "items": [_item(f"YA{tag}", "乙镇第一事项"), _item(f"YB{tag}", "乙镇第二事项")]}
    assert world.b_director.post("/town-catalog", _doc(own)).status_code == 303
    renamed = _fields(f"YC{tag}", "乙镇第一事项", original_code=f"YA{tag}", version=f"{tag}-2")
    taken = _save(world.b_director, renamed | {"code": f"YB{tag}"})
    assert taken.status_code == 422 and f"事项编码“YB{tag}”已被其他事项使用" in html.unescape(taken.text)
    assert _confirm(world.b_director, _save(world.b_director, renamed)).status_code == 303
    assert _codes(_catalog_at(world.b_station))[-2:] == [f"YC{tag}", f"YB{tag}"]
    assert [i["code"] for i in _own(world)["items"]] == [f"YC{tag}", f"YB{tag}"]


def test_a_code_of_the_county_list_is_refused_on_the_form_and_nothing_is_stored(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    kept = {"version": f"{tag}-1", "items": [_item(f"YK{tag}", "乙镇保留事项")]}
    assert world.b_director.post("/town-catalog", _doc(kept)).status_code == 303
    before, sent = _own(world), _catalog_at(world.b_station)

    added = _save(world.b_director, _fields(COUNTY_CODE, "冒用县级编码", version=f"{tag}-2"))
    renamed = _save(world.b_director, _fields(COUNTY_CODE, "乙镇保留事项", original_code=f"YK{tag}"))
    for reply in (added, renamed):
        assert reply.status_code == 422, reply.text[-300:]
        text = html.unescape(reply.text)
        assert f"本镇事项的编码与县级事项清单重复：{COUNTY_CODE}。" in text and "未发布任何内容" in text
        assert 'name="document"' not in reply.text  # no 确认发布 offered
        assert 'name="code" value="SB001" required maxlength="40" aria-invalid="true"' in reply.text  # at its field
    assert _own(world) == before and _catalog_at(world.b_station) == sent


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        (_fields("YH1", "名" * 201), 422, "请求数据格式不正确：name"),
        (_fields("Y" * 41, "乙镇事项"), 422, "请求数据格式不正确：code"),
        (_fields("YH1", "乙镇事项", promised_days="五天"), 422, "承诺时限应为工作日数（即办件填0）"),
        (_fields("YH1", "乙镇事项", promised_days="-3"), 422, "承诺时限应为工作日数（即办件填0）"),
        (_fields("YH1", ""), 422, "请填写：事项名称"),
        (_fields("", "", department=""), 422, "请填写：事项编码、事项名称、承办部门"),
        (_fields("YH\x00", "乙镇事项"), 422, "事项编码中含有无法识别的字符（U+0000）"),
        (_fields("YH1", "乙镇事项", original_code="NOPE404"), 404, "本镇事项中没有这个事项"),
    ],
    ids=["long-name", "long-code", "days-words", "days-negative", "no-name", "nothing", "nul", "unknown-edit"],
)
def test_hostile_form_input_gets_a_chinese_refusal_and_stores_nothing(
    world: World, fields: dict[str, str], status: int, message: str
) -> None:
    before = _own(world)
    reply = _save(world.b_director, fields)
    assert reply.status_code == status, reply.text[-300:]
    assert message in html.unescape(reply.text)
    assert _own(world) == before


def test_hostile_material_rows_get_a_chinese_refusal(world: World) -> None:
    before = _own(world)
    copies = _save(world.b_director, _fields("YM1", "乙镇事项"), (("户口簿", "原件", "零", "是", ""),))
    assert copies.status_code == 422 and "份数应为不小于1的整数（现为“零”）" in html.unescape(copies.text)
    long = _save(world.b_director, _fields("YM1", "乙镇事项"), (("材" * 201, "原件", "1", "是", ""),))
    assert long.status_code == 422 and "材料名称不能超过200字" in long.text
    assert _own(world) == before


def test_another_towns_item_cannot_be_opened_edited_or_removed(world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    theirs = f"JA{tag}"
    own_a = {"version": f"{tag}-1", "items": [_item(theirs, "甲镇自有事项")]}
    assert world.a_director.post("/town-catalog", _doc(own_a)).status_code == 303
    before_a, before_b = _catalog_at(world.a_station), _own(world)
    for path in (f"/town-catalog/item?code={theirs}", f"/town-catalog/item/remove?code={theirs}"):
        reply = world.b_director.get(path)
        assert reply.status_code == 404 and "本镇事项中没有这个事项" in reply.text
    edited = _save(world.b_director, _fields(theirs, "改甲镇的事项", original_code=theirs))
    assert edited.status_code == 404 and "本镇事项中没有这个事项" in edited.text
    assert world.b_director.get("/town-catalog/item/remove?code=NOPE404").status_code == 404
    assert _own(world) == before_b

    # a town id in the form is no way into another town: the 事项 is the poster's own town's
    posted = _save(world.b_director, _fields(f"YW{tag}", "乙镇自填镇号", town_id="1", version=f"{tag}-b"))
    assert _confirm(world.b_director, posted).status_code == 303
    assert _own(world)["version"] == f"{tag}-b" and f"YW{tag}" in _codes(_catalog_at(world.b_station))
    assert _catalog_at(world.a_station) == before_a


def _refused_everywhere(staff: Staff, refusal: str) -> None:
    fields = _fields("YR1", "乙镇事项")
    for reply in (
        staff.get("/town-catalog/item"),
        staff.get("/town-catalog/item?code=YR1"),
        staff.get("/town-catalog/item/remove?code=YR1"),
        _save(staff, fields),
        _save(staff, fields | {"name": "名" * 300}),  # refused for who they are before their fields are read
    ):
        assert reply.status_code == 403 and refusal in reply.text, (staff.username, reply.text[-300:])


def test_one_town_centers_director_keeps_the_whole_list_elsewhere(director: Staff) -> None:
    _refused_everywhere(director, "本系统只服务一个镇")


def test_only_the_towns_director_has_the_form(world: World) -> None:
    fields = _fields("YR1", "乙镇事项")
    _refused_everywhere(world.b_window, "只有中心主任可以进行此操作")
    _refused_everywhere(world.county, "县级中心账号只能查看")
    page = world.b_director.get("/town-catalog").text
    assert world.b_window.get("/town-catalog").status_code == 403 and "新增事项" in page
    no_csrf = world.b_director.http.post(
        world.b_director.base + "/town-catalog/item", data=fields, allow_redirects=False, timeout=30
    )
    assert no_csrf.status_code == 403 and "CSRF校验失败" in no_csrf.text
