"""The merge rule of a town's own 事项 with the county's 事项清单 (``sync.domain.catalog``)."""

from __future__ import annotations

from typing import Any

import pytest

from sync.domain.catalog import Catalog, check_town_extension, merged_catalog, town_extension_collisions
from sync.domain.errors import ValidationError


def _item(code: str) -> dict[str, Any]:
    return {"code": code, "name": f"事项{code}", "department": "社保所", "promised_days": 3}


COUNTY = {"version": "7", "items": [_item("SB001"), _item("SB002")]}


def test_the_county_first_then_the_towns_own() -> None:
    merged = merged_catalog(COUNTY, {"version": "2", "items": [_item("YZ01"), _item("YZ02")]})
    assert merged["version"] == "7+本镇2"
    assert [i.code for i in Catalog.from_dict(merged).items] == ["SB001", "SB002", "YZ01", "YZ02"]


def test_no_town_items_is_the_county_list_unchanged() -> None:
    assert merged_catalog(COUNTY, None) == COUNTY
    assert merged_catalog(COUNTY, {"version": "3", "items": []}) == COUNTY


def test_a_code_the_county_later_takes_is_the_countys() -> None:
    county = {"version": "8", "items": [*COUNTY["items"], _item("YZ01") | {"name": "县级收录"}]}
    merged = Catalog.from_dict(merged_catalog(county, {"version": "2", "items": [_item("YZ01"), _item("YZ02")]}))
    assert [i.code for i in merged.items] == ["SB001", "SB002", "YZ01", "YZ02"]
    assert merged.get("YZ01").name == "县级收录"


def test_a_colliding_code_is_refused_listing_the_codes() -> None:
    town = {"version": "2", "items": [_item("SB002"), _item("YZ01"), _item("SB001")]}
    assert town_extension_collisions(COUNTY, town) == ["SB002", "SB001"]
    with pytest.raises(ValidationError) as refused:
        check_town_extension(COUNTY, town)
    assert "本镇事项的编码与县级事项清单重复：SB002、SB001。" in refused.value.message
    assert check_town_extension(COUNTY, {"version": "2", "items": [_item("YZ01")]}).items[0].code == "YZ01"
