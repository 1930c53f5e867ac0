"""The holiday calendar edited as days, and the State Council's yearly notice typed in as lines.

Accepted lines (one per line; blank lines, ``#`` comments and lines with no date and nothing after a colon,
such as the notice's title, addressees and preamble, are skipped):

* the notice's own wording, numbering and weekday notes allowed::

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    春节：2月15日至23日放假调休，共9天。2月14日、2月28日上班。
    清明节：4月5日放假。

  the name before the colon, the first ``M月D日至[M月]D日`` (or a single ``M月D日``) before 放假 is the
  holiday, every date of a sentence ending in 上班 is a 调休 working day;
* ``调休上班：2月14日、2月28日`` (also ``上班：``): working days only;
* ISO dates: ``2027-01-01~2027-01-03 元旦`` (``至`` or ``-`` may join them; one date for one day) and
  ``2027-02-14 上班`` (or 调休上班) for a working day.

Every refused line comes back with its number and a Chinese reason; nothing is taken from a text that has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

WORK_WORDS = ("调休上班", "上班")
_NOTE = re.compile(r"[（(][^）)]*[）)]")
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[）)])\s*")
_MD = r"(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_RANGE = re.compile(_MD + r"\s*(?:至|到|—|－|-|~|～)\s*(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
_DAY = re.compile(_MD)
_ISO = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_ISO_LINE = re.compile(rf"^{_ISO}(?:\s*(?:~|～|至|到|—|-)\s*{_ISO})?\s+(\S.*)$")
MAX_DAYS = 31


@dataclass(frozen=True)
class Period:
    name: str
    start: date
    end: date

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class LineError:
    line: int
    text: str
    message: str


@dataclass(frozen=True)
class Notice:
    """What the typed notice says for ``year``, or the lines refused."""

    year: int
    holidays: tuple[Period, ...] = ()
    workdays: tuple[date, ...] = ()
    errors: tuple[LineError, ...] = ()


class _LineRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _LineRefused(f"{year}年{month}月{day}日不是有效的日期") from None


def _period(name: str, start: date, end: date, year: int) -> Period:
    if end < start:
        raise _LineRefused("结束日期早于开始日期")
    if start.year != year or end.year != year:
        raise _LineRefused(f"日期不在{year}年内（跨年的假期请分别写在两年中）")
    if (end - start).days >= MAX_DAYS:
        raise _LineRefused(f"一次假期不能超过{MAX_DAYS}天")
    if not name:
        raise _LineRefused("请写明节日名称，例如“元旦：1月1日至3日”")
    if len(name) > 20:
        raise _LineRefused("节日名称过长（最多20个字）")
    return Period(name, start, end)


def _iso_line(line: str, year: int) -> tuple[list[Period], list[date]]:
    match = _ISO_LINE.match(line)
    if match is None:
        raise _LineRefused("无法识别，应为“2027-01-01~2027-01-03 元旦”或“2027-02-14 上班”")
    y1, m1, d1, y2, m2, d2, rest = match.groups()
    start = _date(int(y1), int(m1), int(d1))
    end = _date(int(y2), int(m2), int(d2)) if y2 else start
    word = rest.strip()
    if word in WORK_WORDS:
        if end != start:
            raise _LineRefused("调休上班请逐日列出")
        if start.year != year:
            raise _LineRefused(f"日期不在{year}年内")
        return [], [start]
    return [_period(word, start, end, year)], []


def _notice_line(line: str, year: int) -> tuple[list[Period], list[date]]:
    text = _NOTE.sub("", _NUMBERING.sub("", line)).strip()
    if "：" not in text and ":" not in text:
        raise _LineRefused("无法识别，应为“元旦：1月1日至3日”“调休上班：2月14日”或ISO日期")
    name, _, body = text.replace(":", "：").partition("：")
    name = name.strip()
    if name in WORK_WORDS:
        days = [_date(year, int(m), int(d)) for m, d in _DAY.findall(body)]
        if not days:
            raise _LineRefused("没有写调休上班的日期，例如“调休上班：2月14日”")
        return [], days
    holidays: list[Period] = []
    workdays: list[date] = []
    for sentence in re.split(r"[。；;]", body):
        sentence = sentence.strip()
        if not sentence:
            continue
        if sentence.endswith("上班"):
            workdays += [_date(year, int(m), int(d)) for m, d in _DAY.findall(sentence)]
            continue
        if holidays or not _DAY.search(sentence):
            continue  # 共N天, or a second mention
        found = _RANGE.search(sentence)
        if found is not None:
            m1, d1, m2, d2 = found.groups()
            start = _date(year, int(m1), int(d1))
            end = _date(year, int(m2 or m1), int(d2))
        else:
            m, d = _DAY.findall(sentence)[0]
            start = end = _date(year, int(m), int(d))
        holidays.append(_period(name, start, end, year))
    if not holidays and not workdays:
        raise _LineRefused("没有找到放假日期，例如“清明节：4月4日至6日放假”")
    return holidays, workdays


def _skipped(line: str) -> bool:
    text = line.strip()
    if not text or text.startswith("#"):
        return True
    if _DAY.search(text) or re.search(_ISO, text):
        return False
    body = text.replace(":", "：").partition("：")[2]
    return not body.strip()  # the title, the preamble, "各省、自治区…："


def parse_notice(text: str, year: int) -> Notice:
    """The holidays and 调休 working days of ``year`` typed in ``text`` (see the module's accepted lines)."""
    holidays: list[Period] = []
    workdays: list[date] = []
    errors: list[LineError] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if _skipped(line):
            continue
        try:
            found = _iso_line(line, year) if re.match(r"^\d{4}-", line) else _notice_line(line, year)
        except _LineRefused as exc:
            errors.append(LineError(number, line[:80], exc.message))
            continue
        holidays += found[0]
        workdays += found[1]
    holiday_days = {day for p in holidays for day in days_of(p)}
    for day in sorted(set(workdays) & holiday_days):
        errors.append(LineError(0, "", f"{day.month}月{day.day}日既是假日又是调休上班日"))
    if not errors and not holidays and not workdays:
        errors.append(LineError(0, "", f"没有找到{year}年的任何放假或调休上班日期"))
    if errors:
        return Notice(year, errors=tuple(errors))
    return Notice(year, tuple(sorted(holidays, key=lambda p: p.start)), tuple(sorted(set(workdays))))


def days_of(period: Period) -> Iterable[date]:
    day = period.start
    while day <= period.end:
        yield day
        day += timedelta(days=1)


def periods(named_days: Mapping[date, str]) -> list[Period]:
    """Consecutive days with the same name as one period (how the document stores holidays)."""
    out: list[Period] = []
    for day in sorted(named_days):
        name = named_days[day]
        if out and out[-1].name == name and out[-1].end + timedelta(days=1) == day:
            out[-1] = Period(name, out[-1].start, day)
        else:
            out.append(Period(name, day, day))
    return out


def year_spec(named_days: Mapping[date, str], workdays: Iterable[date], source: str = "") -> dict[str, Any]:
    """One year of the calendar document (``HolidayCalendar.from_dict``'s ``years[YYYY]``)."""
    spec: dict[str, Any] = {
        "holidays": [p.to_dict() for p in periods(named_days)],
        "workdays": [d.isoformat() for d in sorted(set(workdays))],
    }
    if source:
        spec["source"] = source
    return spec


def notice_spec(notice: Notice, source: str = "") -> dict[str, Any]:
    named = {day: p.name for p in notice.holidays for day in days_of(p)}
    return year_spec(named, notice.workdays, source)


def year_days(document: Mapping[str, Any], year: int) -> tuple[dict[date, str], set[date]]:
    """The holidays (with names) and 调休 working days of ``year`` in a calendar document."""
    spec = dict(document.get("years", {}).get(str(year)) or {})
    named: dict[date, str] = {}
    for p in spec.get("holidays", []):
        period = Period(str(p.get("name", "节假日")), date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
        named.update({day: period.name for day in days_of(period)})
    return named, {date.fromisoformat(d) for d in spec.get("workdays", [])}


def year_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[int, str, str]]:
    """What differs between two calendar documents, day by day: (year, 日期, 变化) in date order."""
    years = sorted({int(y) for y in old.get("years", {})} | {int(y) for y in new.get("years", {})})
    out: list[tuple[int, str, str]] = []
    for year in years:
        old_named, old_work = year_days(old, year)
        new_named, new_work = year_days(new, year)
        for day in sorted(set(old_named) | set(new_named) | old_work | new_work):
            before = _label(day, old_named, old_work)
            after = _label(day, new_named, new_work)
            if before != after:
                out.append((year, f"{day.month}月{day.day}日", f"{before} → {after}"))
    return out


def _label(day: date, named: Mapping[date, str], workdays: set[date]) -> str:
    if day in named:
        return f"放假（{named[day]}）"
    if day in workdays:
        return "调休上班"
    return "周末" if day.weekday() >= 5 else "工作日"
