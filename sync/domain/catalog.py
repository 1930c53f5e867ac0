"""The matter catalog (事项清单) published by the town center."""

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
