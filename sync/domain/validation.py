"""Validation of what people type: 身份证 numbers (GB 11643-1999), phones, names."""

from __future__ import annotations

import re
from datetime import date

from .errors import ValidationError
from .text import clean_name

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


#: What an IME in 全角 mode types for digits, X and the dash, as the ASCII the numbers are kept in.
_FULL_WIDTH = str.maketrans(
    {**{chr(0xFF10 + n): str(n) for n in range(10)}, "Ｘ": "X", "ｘ": "x", "－": "-", "—": "-", "‐": "-"}
)
_BLANKS = re.compile(r"\s+")  # ASCII spaces, tabs, the ideographic space U+3000, no-break spaces


def normalize_digits(raw: str) -> str:
    """Full-width digits, Ｘ and dashes as ASCII, every kind of space removed: how 身份证 and phone numbers
    typed in 全角 mode or pasted with spaces ("110105 19491231 002X") are read, on the station and the center."""
    return _BLANKS.sub("", raw.translate(_FULL_WIDTH))


def normalize_id_number(raw: str) -> str:
    """``normalize_digits`` and a trailing x upper-cased, so '...x', '...X' and '...Ｘ' compare equal."""
    return normalize_digits(raw).upper()


def normalize_phone(raw: str) -> str:
    """``normalize_digits``: 138 0013 8000 and １３８００１３８０００ are 13800138000."""
    return normalize_digits(raw)


def validate_id_number(raw: str, *, today: date, field: str = "id_number") -> str:
    """Return the normalized 18-digit 居民身份证 number or raise ValidationError."""
    number = normalize_id_number(raw)
    if not number:
        raise ValidationError(field, "请填写身份证号码")
    if not _ID_RE.match(number):
        raise ValidationError(field, "身份证号码应为18位，前17位为数字，最后一位为数字或X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(field, "身份证号码中的出生日期无效") from None
    if born.year < 1900 or born > today:
        raise ValidationError(field, "身份证号码中的出生日期无效")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(field, "身份证号码校验位不正确，请核对后重新输入")
    return number


def mask_id_number(number: str) -> str:
    """De-identify for lists, logs and paper copies (GB/T 35273): 440308********1234."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def validate_phone(raw: str, *, field: str = "phone") -> str:
    """Return a mobile (11 digits) or landline (区号-号码) number, or raise."""
    phone = normalize_phone(raw)
    if not phone:
        raise ValidationError(field, "请填写联系电话")
    if not re.fullmatch(r"[\d-]+", phone):
        raise ValidationError(field, "联系电话只能包含数字和短横线")
    if not (_MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone)):
        raise ValidationError(field, "联系电话格式不正确：手机号为11位，座机为“区号-号码”")
    return phone


def validate_name(raw: str, *, field: str = "name", label: str = "姓名") -> str:
    """Return a name of 1–50 characters under the character rules of ``text.clean_name``, or raise."""
    return clean_name(raw, field=field, label=label)


def mask_phone(phone: str) -> str:
    """138****5678 for lists."""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    return phone
