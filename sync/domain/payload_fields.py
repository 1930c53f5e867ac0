"""The building blocks of the event payload schemas (``sync.domain.payloads``): one ``Spec`` per field.

A spec says what one key of a payload may hold: its kind (text, name, date,
count, flag, choice, list, object, or opaque JSON such as signature ink), its
Chinese label, whether it is required, its length or range. ``check`` turns a
raw JSON value into its typed value (dates as ``date``, lists as tuples,
objects as read-only mappings) or raises ``ValidationError`` whose ``field``
is the machine-readable path (``applicant.address``, ``materials[1].copies``)
and whose message names the field in Chinese.

Lenient by design, since stored payloads are hashed and never rewritten:
extra keys are kept, text is checked but not normalised, an empty string or
``null`` where a date may be absent reads as absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from .errors import ValidationError
from .text import bad_char, refusal

#: Line breaks and tabs are allowed in every text but a name (what older stations wrote too).
_WIRE_ALLOWED = frozenset("\n\t\r")
#: Opaque JSON (signature ink, printed notices): bounded nesting and strings.
MAX_DEPTH = 10
MAX_OPAQUE_TEXT = 200_000
MAX_OPAQUE_NODES = 50_000
MAX_OPAQUE_INT = 2**53
#: Every code point ``text.bad_char`` may refuse (line breaks and tabs included): texts without any skip it.
_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\U000f0000-\U0010ffff"
    + "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(0x10))
    + "]"
)


class Kind(StrEnum):
    TEXT = "text"  # any text under the character rules, up to ``limit`` characters
    NAME = "name"  # a person's name: no line breaks either
    DATE = "date"  # an ISO date, within the window of the event time
    INT = "int"  # an integer in [low, high]
    BOOL = "bool"
    CHOICE = "choice"  # one of ``choices``
    TEXTS = "texts"  # a list of texts (each up to ``item_limit``), at most ``limit`` items
    OBJECT = "object"  # an object with ``fields`` (extra keys kept)
    LIST = "list"  # a list of objects with ``fields``, at most ``limit`` items
    JSON = "json"  # opaque JSON: only characters, sizes and nesting checked


_EXPECTED = {
    Kind.TEXT: "文字",
    Kind.NAME: "文字",
    Kind.DATE: "日期（年-月-日）",
    Kind.INT: "整数",
    Kind.BOOL: "“是”或“否”",
    Kind.CHOICE: "文字",
    Kind.TEXTS: "文字列表",
    Kind.OBJECT: "对象",
    Kind.LIST: "列表",
    Kind.JSON: "数据",
}


@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    kind: Kind
    required: bool = False
    limit: int = 2000
    low: int = 0
    high: int = 1_000_000
    choices: tuple[str, ...] = ()
    fields: tuple[Spec, ...] = ()
    item_limit: int = 200


@dataclass(frozen=True)
class Window:
    """The dates a payload may name: from 2000-01-01 to ten years after the event."""

    first: date
    last: date


def text(key: str, label: str, limit: int = 2000, *, required: bool = False) -> Spec:
    return Spec(key, label, Kind.TEXT, required, limit)


def name(key: str, label: str, limit: int = 50, *, required: bool = False) -> Spec:
    return Spec(key, label, Kind.NAME, required, limit)


def day(key: str, label: str, *, required: bool = False) -> Spec:
    return Spec(key, label, Kind.DATE, required)


def count(key: str, label: str, low: int = 0, high: int = 1_000_000, *, required: bool = False) -> Spec:
    return Spec(key, label, Kind.INT, required, low=low, high=high)


def flag(key: str, label: str, *, required: bool = False) -> Spec:
    return Spec(key, label, Kind.BOOL, required)


def choice(key: str, label: str, choices: tuple[str, ...], *, required: bool = False) -> Spec:
    return Spec(key, label, Kind.CHOICE, required, choices=choices)


def texts(
    key: str,
    label: str,
    limit: int = 200,
    item_limit: int = 200,
    *,
    choices: tuple[str, ...] = (),
    required: bool = False,
) -> Spec:
    return Spec(key, label, Kind.TEXTS, required, limit, choices=choices, item_limit=item_limit)


def obj(key: str, label: str, *fields: Spec, required: bool = False) -> Spec:
    return Spec(key, label, Kind.OBJECT, required, fields=fields)


def items(key: str, label: str, *fields: Spec, limit: int = 200, required: bool = False) -> Spec:
    return Spec(key, label, Kind.LIST, required, limit, fields=fields)


def opaque(key: str, label: str, *, required: bool = False) -> Spec:
    return Spec(key, label, Kind.JSON, required)


def check_fields(specs: tuple[Spec, ...], raw: Mapping[str, Any], path: str, window: Window) -> dict[str, Any]:
    """The typed values of the declared keys present in ``raw`` (keys are checked, extra values kept as is)."""
    values: dict[str, Any] = {}
    for key in raw:
        if not isinstance(key, str):
            raise ValidationError(path or "payload", "数据的栏目名称格式不正确")
        _text_chars(key, path or "payload", "栏目名称", _WIRE_ALLOWED)  # the path names the object, not the bad key
    for spec in specs:
        where = _join(path, spec.key)
        value = check(spec, raw.get(spec.key), where, window)
        if value is not None:
            values[spec.key] = value
    return values


def check(spec: Spec, value: Any, path: str, window: Window) -> Any:
    """``value`` as the typed value ``spec`` describes (None when absent and allowed), or raise."""
    if value is None or (value == "" and spec.kind is Kind.DATE):
        if spec.required:
            raise ValidationError(path, f"缺少{spec.label}")
        return None
    if spec.kind in (Kind.TEXT, Kind.NAME, Kind.CHOICE):
        return _text(spec, _typed(spec, value, str, path), path)
    if spec.kind is Kind.DATE:
        return _date(spec, _typed(spec, value, str, path), path, window)
    if spec.kind is Kind.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(spec, path)
        if not spec.low <= value <= spec.high:
            raise ValidationError(path, f"{spec.label}应在{spec.low}到{spec.high}之间")
        return value
    if spec.kind is Kind.BOOL:
        return _typed(spec, value, bool, path)
    if spec.kind is Kind.TEXTS:
        listed = _list(spec, value, path)
        kind = Kind.CHOICE if spec.choices else Kind.TEXT
        line = Spec(spec.key, spec.label, kind, limit=spec.item_limit, choices=spec.choices)
        return tuple(_text(line, _typed(spec, v, str, f"{path}[{i}]"), f"{path}[{i}]") for i, v in enumerate(listed))
    if spec.kind is Kind.OBJECT:
        return MappingProxyType(check_fields(spec.fields, _typed(spec, value, Mapping, path), path, window))
    if spec.kind is Kind.LIST:
        listed = _list(spec, value, path)
        paths = [f"{path}[{i}]" for i in range(len(listed))]
        return tuple(
            MappingProxyType(check_fields(spec.fields, _typed(spec, v, Mapping, at), at, window))
            for v, at in zip(listed, paths, strict=True)
        )
    _opaque(spec, value, path, 0, [0])
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _wrong(spec: Spec, path: str) -> ValidationError:
    return ValidationError(path, f"{spec.label}的格式不正确，应为{_EXPECTED[spec.kind]}")


def _typed(spec: Spec, value: Any, wanted: type, path: str) -> Any:
    if not isinstance(value, wanted):
        raise ValidationError(path, f"{spec.label}的格式不正确，应为{_EXPECTED[spec.kind]}")
    return value


def _list(spec: Spec, value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong(spec, path)
    if len(value) > spec.limit:
        raise ValidationError(path, f"{spec.label}最多{spec.limit}项")
    return value


def may_hold_refused(text: str) -> bool:
    """False when ``text`` surely holds no code point the character rules refuse (a quick regular expression);
    True means "look closer" with ``text.bad_char`` (line breaks and tabs, allowed in most texts, say True)."""
    return _SUSPECT.search(text) is not None


def _text_chars(value: str, path: str, label: str, allowed: frozenset[str]) -> None:
    if not may_hold_refused(value):  # the common case, without a Python loop over the characters
        return
    bad = bad_char(value, allowed=allowed)
    if bad is not None:
        raise ValidationError(path, refusal(label, bad))


def _text(spec: Spec, value: str, path: str) -> str:
    _text_chars(value, path, spec.label, frozenset() if spec.kind is Kind.NAME else _WIRE_ALLOWED)
    if len(value) > spec.limit:
        raise ValidationError(path, f"{spec.label}不能超过{spec.limit}个字")
    if spec.required and not value.strip():
        raise ValidationError(path, f"请填写{spec.label}")
    if spec.kind is Kind.CHOICE and value not in spec.choices:
        raise ValidationError(path, f"{spec.label}的取值“{value[:20]}”无效")
    return value


def _date(spec: Spec, value: str, path: str, window: Window) -> date:
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(path, f"{spec.label}不是有效的日期（应为年-月-日）")
    if not window.first <= parsed <= window.last:
        span = f"{window.first.isoformat()}至{window.last.isoformat()}"
        raise ValidationError(path, f"{spec.label}（{parsed.isoformat()}）超出合理范围（{span}）")
    return parsed


def _opaque(spec: Spec, value: Any, path: str, depth: int, nodes: list[int]) -> None:
    nodes[0] += 1
    if depth > MAX_DEPTH or nodes[0] > MAX_OPAQUE_NODES:
        raise ValidationError(path, f"{spec.label}的数据层次或数量过多")
    if isinstance(value, str):
        _text_chars(value, path, spec.label, _WIRE_ALLOWED)
        if len(value) > MAX_OPAQUE_TEXT:
            raise ValidationError(path, f"{spec.label}过长")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _wrong(spec, path)
            _text_chars(key, path, spec.label, _WIRE_ALLOWED)
            _opaque(spec, item, _join(path, key), depth + 1, nodes)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _opaque(spec, item, f"{path}[{i}]", depth + 1, nodes)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _wrong(spec, path)
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_OPAQUE_INT:
            raise _wrong(spec, path)
    elif value is not None and not isinstance(value, bool):
        raise _wrong(spec, path)
