from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import resources
from sync.domain.calendar import (
    HolidayCalendar,
    add_working_days,
    due_label,
    extension_suggestion,
    next_workday,
    working_days_between,
)
from sync.domain.errors import ValidationError


@pytest.fixture(scope="module")
def cal() -> HolidayCalendar:
    return HolidayCalendar.from_json(resources.read_text("holidays/cn.json"))


def test_shipped_data_agrees_with_chinesecalendar_for_covered_years(cal: HolidayCalendar) -> None:
    for year in (2025, 2026):
        day = date(year, 1, 1)
        while day.year == year:
            assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)


def test_spring_festival_2026_is_skipped_and_swap_saturday_counts(cal: HolidayCalendar) -> None:
    # Received Fri 2026-02-13; Sat 02-14 is a 调休 workday; 02-15..02-23 holiday.
    assert next_workday(cal, date(2026, 2, 13)) == date(2026, 2, 14)
    result = add_working_days(cal, date(2026, 2, 13), 3)
    assert result.day == date(2026, 2, 25)  # 14th, 24th, 25th
    assert not result.uncertain


def test_national_day_2026(cal: HolidayCalendar) -> None:
    # Received Wed 2026-09-30; 10-01..10-07 holiday; Sat 10-10 is a workday.
    result = add_working_days(cal, date(2026, 9, 30), 5)
    assert result.day == date(2026, 10, 13)  # 8, 9, 10(Sat), 12, 13
    assert cal.holiday_name(date(2026, 10, 3)) == "国庆节"


def test_deadline_into_2027_without_data_counts_weekends_and_warns(cal: HolidayCalendar) -> None:
    result = add_working_days(cal, date(2026, 12, 29), 5)
    # 30, 31 (2026), then 2027: Fri 1, Mon 4, Tue 5 (no 2027 holidays known)
    assert result.day == date(2027, 1, 5)
    assert result.uncertain_years == (2027,)
    warning = result.warning()
    assert warning is not None and "2027年" in warning


def test_published_2027_calendar_removes_the_warning(cal: HolidayCalendar) -> None:
    updated = HolidayCalendar.from_dict(
        {
            "version": "2027.1",
            "years": {
                "2026": {"holidays": [], "workdays": []},
                "2027": {"holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}], "workdays": []},
            },
        }
    )
    result = add_working_days(updated, date(2026, 12, 29), 5)
    assert result.day == date(2027, 1, 6)
    assert not result.uncertain


def test_zero_days_is_due_the_same_day(cal: HolidayCalendar) -> None:
    assert add_working_days(cal, date(2026, 3, 2), 0).day == date(2026, 3, 2)


def test_working_days_between_and_labels(cal: HolidayCalendar) -> None:
    assert working_days_between(cal, date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert working_days_between(cal, date(2026, 2, 25), date(2026, 2, 13)) == -3
    assert due_label(cal, date(2026, 3, 2), date(2026, 3, 2)) == "今天到期"
    assert due_label(cal, date(2026, 3, 4), date(2026, 3, 2)) == "还剩2个工作日"
    assert due_label(cal, date(2026, 3, 2), date(2026, 3, 4)) == "已超期2个工作日"


def test_malformed_calendar_is_refused_in_chinese() -> None:
    with pytest.raises(ValidationError, match="节假日数据"):
        HolidayCalendar.from_json('{"version": "x", "years": {"2026": {"holidays": [{"start": "bad"}]}}}')
    with pytest.raises(ValidationError, match="JSON"):
        HolidayCalendar.from_json("not json")


def test_the_extension_suggestion_is_a_later_working_day(cal: HolidayCalendar) -> None:
    # Due on the 调休 Saturday 2026-05-09: a week later is a Saturday off; five working days later is not.
    assert extension_suggestion(cal, date(2026, 5, 9), date(2026, 5, 6)) == date(2026, 5, 15)
    day = date(2026, 1, 1)
    while day.year == 2026:
        suggested = extension_suggestion(cal, day, day - timedelta(days=3))
        assert suggested > day and cal.is_workday(suggested), day
        day += timedelta(days=1)
    # Over 国庆 (1–7 October off, Saturday the 10th a 调休 working day): 8, 9, 10, 12, 13 October.
    assert extension_suggestion(cal, None, date(2026, 9, 30)) == date(2026, 10, 13)


def _walked(cal: HolidayCalendar, start: date, end: date) -> int:
    """Working days in (start, end] counted day by day, signed: the definition the arithmetic must meet."""
    low, high = sorted((start, end))
    count = sum(1 for n in range(1, (high - low).days + 1) if cal.is_workday(low + timedelta(days=n)))
    return count if end >= start else -count


SHIPPED = HolidayCalendar.from_json(resources.read_text("holidays/cn.json"))


@settings(max_examples=500, deadline=None)
@given(start=st.dates(date(2023, 1, 1), date(2028, 12, 31)), span=st.integers(-400, 400))
def test_the_arithmetic_count_equals_walking_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert working_days_between(SHIPPED, start, end) == _walked(SHIPPED, start, end)
