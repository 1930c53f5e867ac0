"""Human case numbers made offline: ``<station code>-<yyyymmdd>-<nnnn>``."""

from __future__ import annotations

import re
from datetime import date

from .errors import ValidationError

_STATION_CODE_RE = re.compile(r"^[A-Z0-9]{2,12}$")
_CASE_NO_RE = re.compile(r"^([A-Z0-9]{2,12})-(\d{8})-(\d{4})$")


def validate_station_code(code: str) -> str:
    code = code.strip().upper()
    if not _STATION_CODE_RE.match(code):
        raise ValidationError("station_code", "代办站编码应为2到12位大写字母或数字")
    return code


def format_case_no(station_code: str, day: date, serial: int) -> str:
    if not 1 <= serial <= 9999:
        raise ValidationError("case_no", "当天编号已用完（每站每天最多9999件）")
    return f"{station_code}-{day:%Y%m%d}-{serial:04d}"


def parse_case_no(case_no: str) -> tuple[str, date, int]:
    match = _CASE_NO_RE.match(case_no)
    if not match:
        raise ValidationError("case_no", f"办件编号“{case_no}”格式不正确")
    code, day, serial = match.groups()
    try:
        parsed = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        raise ValidationError("case_no", f"办件编号“{case_no}”中的日期无效") from None
    return code, parsed, int(serial)
