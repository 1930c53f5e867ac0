"""The matter catalog (事项清单) published by the town center, and a town's own 事项 in a county deployment.

One town: its director publishes the whole list, as always. Several towns: the county publishes the list
every town shares (县级事项清单), and a town's director may publish the town's own extra 事项 (本镇事项: a
matter the county's list lacks, e.g. a town's own subsidy). A station uses its town's merged list
(``merged_catalog``), made once here for the center that sends it and the tests that check it:

* the county's 事项 first, in the county's order, then the town's own in the town's order;
* a town's own 事项 must use a code the county's list does not: a collision is refused when the town publishes
  (``town_extension_collisions``, ``check_town_extension``: the codes are listed, nothing is published);
* should the county later take a code a town already uses, the county's 事项 wins: the town's one is left out
  of the merged list (never two 事项 under one code at a station) until the town gives it another code, and
  the town's page lists it;
* the merged version reads ``<county version>+本镇<town version>``; with no town extension it is the county's list
  unchanged, so a station of a one-town deployment gets exactly what it got before towns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import DomainError, ValidationError
from .model import CaseType
from .text import bad_char, refusal


def _text(data: Mapping[str, Any], key: str, label: str, default: str | None = None) -> str:
    """A text of the published list, refused (ValueError with the Chinese reason) when it holds a character
    the stations cannot show or store (NUL, control, private use, a lone surrogate); line breaks are kept."""
    value = str(data[key] if default is None else data.get(key, default))
    bad = bad_char(value, allowed=frozenset("\n"))
    if bad is not None:
        raise ValueError(refusal(label, bad))
    return value


@dataclass(frozen=True)
class MaterialRequirement:
    """One material a matter needs: 原件 or 复印件, how many, 主件 or 附件."""

    name: str
    original: bool = True
    copies: int = 1
    required: bool = True
    main: bool = True
    how_to_obtain: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MaterialRequirement:
        return cls(
            name=_text(data, "name", "材料名称"),
            original=bool(data.get("original", True)),
            copies=int(data.get("copies", 1)),
            required=bool(data.get("required", True)),
            main=bool(data.get("main", True)),
            how_to_obtain=_text(data, "how_to_obtain", "获取方式", ""),
        )


@dataclass(frozen=True)
class ServiceItem:
    """A matter (事项) as published: the 十公开 data the clerk tells the villager."""

    code: str
    name: str
    department: str
    case_type: CaseType
    promised_days: int
    fee: str = "免费"
    legal_basis: str = ""
    conditions: str = ""
    notice: str = ""
    materials: tuple[MaterialRequirement, ...] = ()
    #: The provision under which a 一次性告知 is given, e.g. 《中华人民共和国行政许可法》第三十二条 for a
    #: 行政许可; empty for a matter it does not bind (行政给付, 公共服务): the notice then cites nothing.
    notice_basis: str = ""
    #: 救济途径 for the deciding department's refusal (行政复议 / 行政诉讼: where and within how long).
    remedy: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ServiceItem:
        return cls(
            code=_text(data, "code", "事项编码"),
            name=_text(data, "name", "事项名称"),
            department=_text(data, "department", "承办部门"),
            case_type=CaseType(data.get("case_type", CaseType.PROMISED.value)),
            promised_days=int(data["promised_days"]),
            fee=_text(data, "fee", "收费标准", "免费"),
            legal_basis=_text(data, "legal_basis", "设定依据", ""),
            conditions=_text(data, "conditions", "办理条件", ""),
            notice=_text(data, "notice", "办事指南", ""),
            materials=tuple(MaterialRequirement.from_dict(m) for m in data.get("materials", [])),
            notice_basis=_text(data, "notice_basis", "告知依据", ""),
            remedy=_text(data, "remedy", "救济途径", ""),
        )


@dataclass(frozen=True)
class Catalog:
    version: str
    items: tuple[ServiceItem, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Catalog:
        try:
            items = tuple(ServiceItem.from_dict(i) for i in data["items"])
            codes = [i.code for i in items]
            if len(set(codes)) != len(codes):
                raise ValueError("事项编码重复")
            return cls(version=str(data["version"]), items=items)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError("catalog", f"事项清单格式不正确：{exc}") from None

    @classmethod
    def from_json(cls, text: str) -> Catalog:
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError:
            raise ValidationError("catalog", "事项清单不是有效的JSON文件") from None

    def get(self, code: str) -> ServiceItem:
        for item in self.items:
            if item.code == code:
                return item
        raise DomainError(f"事项清单中没有编码为“{code}”的事项")


def _items(document: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    items = (document or {}).get("items") or []
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def town_extension_collisions(county: Mapping[str, Any], town: Mapping[str, Any] | None) -> list[str]:
    """The codes of the town's own 事项 that the county's list already uses (in the town's order)."""
    taken = {str(i.get("code")) for i in _items(county)}
    return [str(i.get("code")) for i in _items(town) if str(i.get("code")) in taken]


def check_town_extension(county: Mapping[str, Any], town: Mapping[str, Any]) -> Catalog:
    """The town's own 事项 as a valid list whose codes the county's list does not use; else ValidationError
    (Chinese, listing the codes)."""
    extension = Catalog.from_dict(town)
    taken = town_extension_collisions(county, town)
    if taken:
        raise ValidationError(
            "catalog",
            f"本镇事项的编码与县级事项清单重复：{'、'.join(taken)}。请改用县级事项清单未使用的编码（未发布任何内容）",
        )
    return extension


def merged_catalog(county: Mapping[str, Any], town: Mapping[str, Any] | None) -> dict[str, Any]:
    """The list a station of the town uses: the county's 事项, then the town's own whose code the county's list
    does not use (the county wins a collision); the county's list unchanged when the town has none."""
    own = _items(town)
    if town is None or not own:
        return dict(county)
    taken = {str(i.get("code")) for i in _items(county)}
    items = [*_items(county), *(i for i in own if str(i.get("code")) not in taken)]
    return {**county, "version": f"{county.get('version', '')}+本镇{town.get('version', '')}", "items": items}
