"""Working-day arithmetic with the Chinese holiday calendar, including 调休.

The calendar is data (``resources/holidays/cn.json``), versioned so that the
town center can publish a newer one (for example when next year's schedule is
announced). For a year with no data only weekends are skipped, and every
result says so (``DeadlineResult.uncertain_years``) so the UI can warn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .errors import ValidationError


@dataclass(frozen=True)
class HolidayCalendar:
    """Statutory holidays and swapped working days (调休上班) per covered year."""

    version: str
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()
    names: Mapping[date, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HolidayCalendar:
        """Build from the JSON document; raise ValidationError on malformed data."""
        try:
            holidays: set[date] = set()
            workdays: set[date] = set()
            names: dict[date, str] = {}
            years: set[int] = set()
            for year_text, spec in data["years"].items():
                year = int(year_text)
                years.add(year)
                for period in spec.get("holidays", []):
                    start = date.fromisoformat(period["start"])
                    end = date.fromisoformat(period["end"])
                    if end < start or start.year != year:
                        raise ValueError(period)
                    day = start
                    while day <= end:
                        holidays.add(day)
                        names[day] = str(period.get("name", "节假日"))
                        day += timedelta(days=1)
                for text in spec.get("workdays", []):
                    workdays.add(date.fromisoformat(text))
            if holidays & workdays:
                raise ValueError("a day is both holiday and workday")
            return cls(
                version=str(data["version"]),
                holidays=frozenset(holidays),
                workdays=frozenset(workdays),
                years=frozenset(years),
                names=names,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationError("calendar", f"节假日数据格式不正确：{exc}") from None

    @classmethod
    def from_json(cls, text: str) -> HolidayCalendar:
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError:
            raise ValidationError("calendar", "节假日数据不是有效的JSON文件") from None

    def covers(self, year: int) -> bool:
        return year in self.years

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        return self.names.get(day)


@dataclass(frozen=True)
class DeadlineResult:
    """A computed date plus the years for which no holiday data was available."""

    day: date
    uncertain_years: tuple[int, ...] = ()

    @property
    def uncertain(self) -> bool:
        return bool(self.uncertain_years)

    def warning(self) -> str | None:
        """Chinese warning to show next to the date, or None when it is exact."""
        if not self.uncertain_years:
            return None
        years = "、".join(f"{y}年" for y in self.uncertain_years)
        return f"尚无{years}节假日安排，期限暂按周末推算，请以镇中心发布的日历为准"


def _uncertain(calendar: HolidayCalendar, days: Iterable[date]) -> tuple[int, ...]:
    return tuple(sorted({d.year for d in days if not calendar.covers(d.year)}))


def next_workday(calendar: HolidayCalendar, day: date) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def add_working_days(calendar: HolidayCalendar, start: date, days: int) -> DeadlineResult:
    """Deadline of a matter received on ``start`` with a limit of ``days`` working days.

    The count begins on the working day after ``start`` (the day the materials
    were complete does not count). ``days == 0`` (即办件) is due on ``start``.
    """
    if days < 0:
        raise ValidationError("days", "办理时限不能为负数")
    if days == 0:
        return DeadlineResult(start, _uncertain(calendar, [start]))
    seen = []
    day = start
    for _ in range(days):
        day = next_workday(calendar, day)
        seen.append(day)
    span = [start + timedelta(days=i) for i in range((day - start).days + 1)]
    return DeadlineResult(day, _uncertain(calendar, span) if seen else ())


def _weekdays_after(start: date, end: date) -> int:
    """Mon–Fri days in (start, end], end >= start."""
    weeks, rest = divmod((end - start).days, 7)
    weekday = start.weekday()
    return weeks * 5 + sum(1 for i in range(1, rest + 1) if (weekday + i) % 7 < 5)


def working_days_between(calendar: HolidayCalendar, start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start.

    Counted by arithmetic, not day by day: the weekdays, less the holidays on a weekday, plus the 调休
    workdays on a weekend (a few dozen a year), so a list of hundreds of cases overdue for months labels
    its due dates in a keystroke (docs/performance.md).
    """
    if end < start:
        return -working_days_between(calendar, end, start)
    count = _weekdays_after(start, end)
    count -= sum(1 for d in calendar.holidays if start < d <= end and d.weekday() < 5 and d not in calendar.workdays)
    count += sum(1 for d in calendar.workdays if start < d <= end and d.weekday() >= 5)
    return count


def extension_suggestion(calendar: HolidayCalendar, due: date | None, today: date, days: int = 5) -> date:
    """The new deadline a 延期 dialog proposes: ``days`` working days after the current one (or today),
    so always a working day later than it, which the extension rule accepts."""
    return add_working_days(calendar, max(due, today) if due else today, days).day


def due_label(calendar: HolidayCalendar, due: date, today: date) -> str:
    """'今天到期', '还剩N个工作日', '已超期N个工作日' for lists and the home page."""
    if due == today:
        return "今天到期"
    if due > today:
        return f"还剩{working_days_between(calendar, today, due)}个工作日"
    return f"已超期{working_days_between(calendar, due, today)}个工作日"
