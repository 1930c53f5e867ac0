"""The one clock: Beijing's date whatever the process's time zone, stored stamps and their Beijing days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sync.domain.clock import (
    CHINA,
    SYSTEM_CLOCK,
    FixedClock,
    beijing,
    beijing_day,
    day_start_stamp,
    stamp,
)
from sync.domain.projection import apply_event
from sync.server.core.config import clock_from_env
from tests.domain.factories import Chain, registered_payload


@pytest.mark.usefixtures("process_tz")
@pytest.mark.parametrize(
    ("wall", "day"),
    [
        ((2026, 11, 30, 23, 59, 50), date(2026, 11, 30)),
        ((2026, 12, 1, 0, 0, 10), date(2026, 12, 1)),
        ((2026, 12, 31, 23, 59, 59), date(2026, 12, 31)),
        ((2027, 1, 1, 0, 0, 0), date(2027, 1, 1)),
    ],
)
def test_today_is_the_beijing_date_whatever_the_process_time_zone(wall: tuple[int, ...], day: date) -> None:
    clock = FixedClock.beijing(*wall, tick=False)
    assert clock.today() == day
    assert clock.local_now().replace(tzinfo=None) == datetime(*wall)
    assert beijing_day(clock.stamp()) == day


@pytest.mark.usefixtures("process_tz")
def test_the_system_clock_reads_beijing_too() -> None:
    now = SYSTEM_CLOCK.now()
    assert now.utcoffset() == timedelta(0)
    assert SYSTEM_CLOCK.today() in {(now + timedelta(hours=8)).date(), (now + timedelta(hours=8, seconds=5)).date()}


def test_stamps_are_utc_text_that_sorts_like_the_instants() -> None:
    clock = FixedClock.beijing(2026, 11, 30, 23, 59, 59, tick=False)
    assert clock.stamp() == "2026-11-30T15:59:59.000+00:00"
    midnight = day_start_stamp(date(2026, 12, 1))
    assert midnight == "2026-11-30T16:00:00.000+00:00"
    assert clock.stamp() < midnight <= stamp(datetime(2026, 12, 1, 0, 0, 0, 1000, tzinfo=CHINA))
    assert beijing_day("2026-11-30T15:59:59.999+00:00") == date(2026, 11, 30)
    assert beijing_day("2026-11-30T16:00:00.000+00:00") == date(2026, 12, 1)
    assert beijing(datetime(2026, 11, 30, 16, 0)).hour == 0  # a naive stored time is UTC


def test_a_fixed_clock_stands_still_or_runs_on_from_where_it_was_set() -> None:
    still = FixedClock.beijing(2026, 11, 23, 10, tick=False)
    assert still.now() == still.now()
    still.advance(days=8)
    assert still.today() == date(2026, 12, 1)
    running = FixedClock.on(date(2026, 11, 23))
    first = running.now()
    assert running.now() >= first and running.today() == date(2026, 11, 23)
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 11, 23, 10))


def test_the_center_clock_from_its_environment() -> None:
    assert clock_from_env("") is SYSTEM_CLOCK
    pinned = clock_from_env("2027-01-31T23:59:00+08:00")
    assert pinned.today() == date(2027, 1, 31)
    # with an anchor: where the clock stood at that moment of the system clock (one timeline for several processes)
    an_hour_ago = (SYSTEM_CLOCK.now() - timedelta(hours=1)).timestamp()
    shared = clock_from_env(f"2026-11-30T23:30:00+08:00@{an_hour_ago}")
    assert shared.today() == date(2026, 12, 1)
    with pytest.raises(SystemExit, match="应为带时区的时间"):
        clock_from_env("明天")
    with pytest.raises(SystemExit, match="应为带时区的时间"):
        clock_from_env("2026-11-23T10:00:00")  # no offset: which 10 o'clock?


@pytest.mark.usefixtures("process_tz")
def test_a_completion_without_a_date_counts_on_the_beijing_day_it_happened() -> None:
    chain = Chain(clock=FixedClock.beijing(2026, 11, 30, 23, 59, 50, tick=False))
    view = apply_event(None, chain.add("case.registered", registered_payload()))
    case_id = view.case_id
    for event in (
        chain.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-30", "due_on": "2026-12-07"}),
        chain.add("case.deliver", {"case_id": case_id}),
    ):
        view = apply_event(view, event)
    chain.clock.set(datetime(2026, 12, 1, 0, 0, 10, tzinfo=CHINA))
    done = chain.center("case.center_accept", {"case_id": case_id})
    view = apply_event(view, done)
    view = apply_event(view, chain.center("case.center_complete", {"case_id": case_id, "result": "办结"}))
    assert done.occurred_at.startswith("2026-11-30T16:00:10")  # still the 30th in UTC
    assert view.completed_on == date(2026, 12, 1)
    assert beijing(datetime.fromisoformat(done.occurred_at)).date() == date(2026, 12, 1)
    assert datetime.fromisoformat(done.occurred_at).astimezone(UTC).date() == date(2026, 11, 30)
