"""The station at the edges of a day, a month, a quarter and a year, on Beijing time, with the PC's own time
zone set to UTC, to Beijing and to California: the daily backup, case numbers and the day's counter, the
代办台账 of a day and a month, the audit list, the 档案移交清单 of a quarter, and deadlines in years the holiday
calendar does not cover yet.

Every test here moves the station's one clock to 10 s before or after Beijing midnight and stops it there.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.cases import get_case, list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.services.printing.ledger import archive_rows, ledger_rows
from desktop.services.safety import backup
from desktop.services.safety.audit import audit_log, reveal_id_number
from desktop.store.event_log import iter_events
from sync.domain.calendar import add_working_days
from sync.domain.clock import beijing_day

from ..conftest import complete_draft, promised_item, set_clock

pytestmark = pytest.mark.usefixtures("process_tz")

#: (last day of a period, first day of the next): a month, a quarter and a year end.
EDGES = [
    (date(2026, 11, 30), date(2026, 12, 1)),
    (date(2026, 9, 30), date(2026, 10, 1)),
    (date(2026, 12, 31), date(2027, 1, 1)),
]


def before_midnight(ctx: ServiceContext, day: date) -> None:
    set_clock(ctx, day, 23, 59, 50, tick=False)


def after_midnight(ctx: ServiceContext, day: date) -> None:
    set_clock(ctx, day, 0, 0, 10, tick=False)


def register(ctx: ServiceContext, name: str = "王秀英") -> str:
    return register_case(ctx, complete_draft(ctx, applicant_name=name)).case_ids[0]


def event_days(ctx: ServiceContext, case_id: str) -> set[date]:
    with ctx.db.reading() as session:
        return {beijing_day(e.occurred_at) for e in iter_events(session) if e.payload.get("case_id") == case_id}


def test_the_daily_backup_is_made_once_a_beijing_day(ctx: ServiceContext) -> None:
    before_midnight(ctx, date(2026, 11, 30))
    late = backup.daily_backup_if_due(ctx)
    assert late is not None and "station-20261130-235950-daily" in late.path.name
    assert late.taken_at.date() == date(2026, 11, 30)
    assert backup.daily_backup_if_due(ctx) is None  # the same day: once
    after_midnight(ctx, date(2026, 12, 1))
    early = backup.daily_backup_if_due(ctx)
    assert early is not None and "station-20261201-000010-daily" in early.path.name
    assert backup.daily_backup_if_due(ctx) is None
    assert [b.taken_at.date() for b in backup.list_backups(ctx)] == [date(2026, 12, 1), date(2026, 11, 30)]


@pytest.mark.parametrize(("last", "first"), EDGES)
def test_case_numbers_and_the_days_counter_follow_the_beijing_day(ctx: ServiceContext, last: date, first: date) -> None:
    before_midnight(ctx, last)
    one, two = register(ctx, "王秀英"), register(ctx, "赵四")
    after_midnight(ctx, first)
    three = register(ctx, "钱五")
    numbers = [get_case(ctx, c).case_no for c in (one, two, three)]
    assert numbers == [f"CS01-{last:%Y%m%d}-0001", f"CS01-{last:%Y%m%d}-0002", f"CS01-{first:%Y%m%d}-0001"]
    assert [get_case(ctx, c).accepted_on for c in (one, two, three)] == [last, last, first]
    assert event_days(ctx, one) == event_days(ctx, two) == {last}  # the events' times say the same day
    assert event_days(ctx, three) == {first}


@pytest.mark.parametrize(("last", "first"), EDGES)
def test_the_ledger_of_a_day_and_of_a_month(ctx: ServiceContext, last: date, first: date) -> None:
    before_midnight(ctx, last)
    late = get_case(ctx, register(ctx, "王秀英")).case_no
    after_midnight(ctx, first)
    early = get_case(ctx, register(ctx, "赵四")).case_no

    def numbers(start: date, end: date) -> list[str]:
        return [r.case_no for r in ledger_rows(ctx, start, end)]

    assert numbers(last, last) == [late]
    assert numbers(first, first) == [early]
    assert numbers(last.replace(day=1), last) == [late]  # the month that ends
    assert numbers(first, first + timedelta(days=30)) == [early]  # the month that begins
    assert numbers(last, first) == [late, early]


def test_the_audit_list_shows_beijing_dates(ctx: ServiceContext) -> None:
    before_midnight(ctx, date(2026, 11, 30))
    case_id = register(ctx)
    reveal_id_number(ctx, case_id, "核对社保参保信息")
    after_midnight(ctx, date(2026, 12, 1))
    reveal_id_number(ctx, case_id, "填写医保缴费登记表")
    early, late = audit_log(ctx)  # newest first
    assert early.at == "2026-12-01 00:00" and "填写医保缴费登记表" in early.detail
    assert late.at == "2026-11-30 23:59" and "核对社保参保信息" in late.detail


@pytest.mark.parametrize(("last", "first"), EDGES[1:])
def test_the_archive_list_of_a_quarter(ctx: ServiceContext, last: date, first: date) -> None:
    set_clock(ctx, last - timedelta(days=3))
    old, new = register(ctx, "王秀英"), register(ctx, "赵四")
    for case_id in (old, new):
        workflow.withdraw(ctx, case_id, "申请人不再办理")
    before_midnight(ctx, last)
    workflow.archive(ctx, old)
    after_midnight(ctx, first)
    workflow.archive(ctx, new)
    quarter = (last.month - 1) // 3 + 1
    next_quarter = (first.month - 1) // 3 + 1
    assert [r.case_no for r in archive_rows(ctx, last.year, quarter)] == [get_case(ctx, old).case_no]
    assert [r.case_no for r in archive_rows(ctx, first.year, next_quarter)] == [get_case(ctx, new).case_no]


@pytest.mark.parametrize("day", [date(2027, 6, 1), date(2027, 9, 28), date(2028, 2, 1)])
def test_deadlines_beyond_the_holiday_data_count_weekends_only_and_say_so(ctx: ServiceContext, day: date) -> None:
    """2027 and 2028 are not in the shipped calendar: the deadline counts weekdays and is marked uncertain."""
    set_clock(ctx, day, 9, tick=False)
    case = get_case(ctx, register(ctx))
    (listed,) = list_cases(ctx)
    assert f"尚无{day.year}年节假日安排，期限暂按周末推算" in listed.due_warning  # on the home page and the list
    days = promised_item(ctx).promised_days
    assert case.case_no.startswith(f"CS01-{day:%Y%m%d}-") and case.accepted_on == day
    assert case.due_on is not None and case.due_uncertain
    weekdays = [day + timedelta(days=n) for n in range(1, (case.due_on - day).days + 1)]
    assert sum(d.weekday() < 5 for d in weekdays) == days and case.due_on.weekday() < 5
    deadline = add_working_days(ctx.calendar, day, days)
    assert deadline.day == case.due_on and f"尚无{day.year}年节假日安排" in (deadline.warning() or "")
