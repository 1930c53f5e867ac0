"""Entities and value types of a case: kinds, types, applicant, materials."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from .errors import ValidationError
from .text import clean_text
from .validation import validate_id_number, validate_name, validate_phone


class CaseKind(StrEnum):
    """代办 (on behalf), 帮办 (accompanied), 咨询 (consulting, one-time notice only)."""

    AGENCY = "agency"
    ASSIST = "assist"
    CONSULT = "consult"

    @property
    def label(self) -> str:
        return {"agency": "代办", "assist": "帮办", "consult": "咨询"}[self.value]


class CaseType(StrEnum):
    """五件制 / 六件管理."""

    IMMEDIATE = "immediate"
    PROMISED = "promised"
    SUPPLEMENT = "supplement"
    RETURNED = "returned"
    JOINT = "joint"
    REPORTED = "reported"

    @property
    def label(self) -> str:
        return _CASE_TYPE_LABELS[self]


_CASE_TYPE_LABELS = {
    CaseType.IMMEDIATE: "即办件",
    CaseType.PROMISED: "承诺件",
    CaseType.SUPPLEMENT: "补办件",
    CaseType.RETURNED: "退回件",
    CaseType.JOINT: "联办件",
    CaseType.REPORTED: "上报件",
}

#: 老、弱、病、残、军 — groups that get home visits and 帮办.
SPECIAL_GROUPS = ("老", "弱", "病", "残", "军")
SPECIAL_GROUP_LABELS = {"老": "老年人", "弱": "弱势群体", "病": "患病", "残": "残疾人", "军": "军人/退役军人"}


@dataclass(frozen=True)
class Applicant:
    """The villager. Build with ``Applicant.create`` to validate every field."""

    name: str
    id_number: str
    phone: str
    address: str = ""
    special_groups: tuple[str, ...] = ()

    @classmethod
    def create(
        cls,
        *,
        name: str,
        id_number: str,
        phone: str,
        address: str = "",
        special_groups: Iterable[str] = (),
        today: date,
    ) -> Applicant:
        """A validated applicant; ``today`` (Beijing) bounds the birth date in the 身份证 number."""
        groups = tuple(g for g in SPECIAL_GROUPS if g in set(special_groups))
        unknown = set(special_groups) - set(SPECIAL_GROUPS)
        if unknown:
            raise ValidationError("special_groups", f"未知的特殊群体类别：{'、'.join(sorted(unknown))}")
        address = clean_text(address, field="address", label="住址", limit=200)
        return cls(
            name=validate_name(name),
            id_number=validate_id_number(id_number, today=today),
            phone=validate_phone(phone),
            address=address,
            special_groups=groups,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["special_groups"] = list(self.special_groups)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Applicant:
        return cls(
            name=str(data["name"]),
            id_number=str(data["id_number"]),
            phone=str(data["phone"]),
            address=str(data.get("address", "")),
            special_groups=tuple(data.get("special_groups", ())),
        )


@dataclass(frozen=True)
class MaterialItem:
    """A material on a case's checklist: from the catalog or added freely."""

    name: str
    original: bool = True
    copies: int = 1
    required: bool = True
    present: bool = False

    @property
    def form_label(self) -> str:
        return "原件" if self.original else "复印件"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MaterialItem:
        copies = int(data.get("copies", 1))
        name = clean_text(str(data["name"]), field="materials", label="材料名称", limit=100)
        if not name:
            raise ValidationError("materials", "材料名称不能为空")
        if copies < 1 or copies > 999:
            raise ValidationError("materials", f"“{name}”的份数应在1到999之间")
        return cls(
            name=name,
            original=bool(data.get("original", True)),
            copies=copies,
            required=bool(data.get("required", True)),
            present=bool(data.get("present", False)),
        )


def missing_required(materials: Iterable[MaterialItem]) -> list[MaterialItem]:
    """Required materials not handed over: what the 一次性告知 must list, all at once."""
    return [m for m in materials if m.required and not m.present]
