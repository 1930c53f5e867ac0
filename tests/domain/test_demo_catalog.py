"""The shipped demo 事项清单 loads and is fit for a village clerk."""

from __future__ import annotations

import pytest

import resources
from sync.domain.catalog import Catalog
from sync.domain.errors import ValidationError
from sync.domain.model import CaseType


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_json(resources.read_text("catalog/demo.json"))


def test_version_and_size(catalog: Catalog) -> None:
    assert catalog.version == "2026.11-demo"
    assert len(catalog.items) >= 36


def test_codes_unique(catalog: Catalog) -> None:
    codes = [item.code for item in catalog.items]
    assert len(codes) == len(set(codes))


def test_every_item_has_required_material(catalog: Catalog) -> None:
    for item in catalog.items:
        assert any(m.required for m in item.materials), item.code
        assert all(m.name and m.how_to_obtain and m.copies >= 1 for m in item.materials), item.code


def test_every_item_is_filled_in(catalog: Catalog) -> None:
    for item in catalog.items:
        assert item.name and item.department and item.fee, item.code
        assert item.legal_basis.startswith("《"), item.code
        assert item.conditions, item.code
        assert "办事流程" in item.notice and "咨询电话" in item.notice, item.code


def test_case_types_cover_the_main_kinds(catalog: Catalog) -> None:
    kinds = {item.case_type for item in catalog.items}
    assert {CaseType.IMMEDIATE, CaseType.PROMISED, CaseType.JOINT, CaseType.REPORTED} <= kinds


def test_promised_days_match_case_type(catalog: Catalog) -> None:
    for item in catalog.items:
        if item.case_type is CaseType.IMMEDIATE:
            assert item.promised_days == 0, item.code
        else:
            assert item.promised_days > 0, item.code


@pytest.mark.parametrize("name", ["残疾人证申领", "最低生活保障申请", "生育登记", "退役军人优待证"])
def test_common_matters_present(catalog: Catalog, name: str) -> None:
    assert any(name in item.name for item in catalog.items), name


@pytest.mark.parametrize(("key", "value"), [("code", "MZ\x00001"), ("name", "低保\ue000"), ("notice", "电话\x07")])
def test_a_catalog_with_a_character_stations_cannot_keep_is_refused(key: str, value: str) -> None:
    item = {"code": "MZ001", "name": "最低生活保障", "department": "镇民政办", "promised_days": 30, key: value}
    with pytest.raises(ValidationError, match="事项清单格式不正确") as caught:
        Catalog.from_dict({"version": "1", "items": [item]})
    assert "字符" in caught.value.message
    multiline = {**item, key: "第一行\n第二行"} if key == "notice" else None
    if multiline:
        assert Catalog.from_dict({"version": "1", "items": [multiline]}).items[0].notice == "第一行\n第二行"
