from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import resources
from desktop.services import due
from sync.domain import calendar as domain_calendar
from sync.domain.calendar import HolidayCalendar

CAL = HolidayCalendar.from_json(resources.read_text("holidays/cn.json"))


@settings(max_examples=500, deadline=None)
@given(start=st.dates(date(2023, 1, 1), date(2028, 12, 31)), span=st.integers(-400, 400))
def test_fast_count_equals_the_domain_walk(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert due.working_days_between(CAL, start, end) == domain_calendar.working_days_between(CAL, start, end)
    assert due.due_label(CAL, end, start) == domain_calendar.due_label(CAL, end, start)
