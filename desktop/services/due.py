"""Due labels for lists, fast: working days counted by arithmetic instead of day by day.

``sync.domain.calendar.working_days_between`` walks every day; a list of 500
cases, some overdue for months, would walk tens of thousands of days per
keystroke. ``working_days_between`` here counts weekdays arithmetically and
then corrects for the calendar's holidays and 调休 workdays (a few dozen a
year); a test checks it equals the domain's function.
"""

from __future__ import annotations

from datetime import date

from sync.domain.calendar import HolidayCalendar


def _weekdays_after(start: date, end: date) -> int:
    """Mon–Fri days in (start, end], end >= start."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for i in range(1, rest + 1):
        if (weekday + i) % 7 < 5:
            count += 1
    return count


def working_days_between(calendar: HolidayCalendar, start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start (same as the domain's)."""
    if end < start:
        return -working_days_between(calendar, end, start)
    count = _weekdays_after(start, end)
    count -= sum(1 for d in calendar.holidays if start < d <= end and d.weekday() < 5 and d not in calendar.workdays)
    count += sum(1 for d in calendar.workdays if start < d <= end and d.weekday() >= 5)
    return count


def due_label(calendar: HolidayCalendar, due: date, today: date) -> str:
    """'今天到期', '还剩N个工作日', '已超期N个工作日' (as ``sync.domain.calendar.due_label``)."""
    if due == today:
        return "今天到期"
    if due > today:
        return f"还剩{working_days_between(calendar, today, due)}个工作日"
    return f"已超期{working_days_between(calendar, due, today)}个工作日"
