from __future__ import annotations

import random

from desktop.services.syncing.sync_schedule import SyncSchedule


def test_regular_interval_while_all_is_well() -> None:
    schedule = SyncSchedule(regular=300)
    assert schedule.next_delay() == 300


def test_backoff_doubles_with_jitter_up_to_the_cap_and_resets_on_success() -> None:
    schedule = SyncSchedule(first_retry=10, cap=100, rng=random.Random(7))
    bases = []
    for _ in range(6):
        schedule.failed()
        delay = schedule.next_delay()
        base = min(100, 10 * 2 ** (schedule.failures - 1))
        assert base / 2 <= delay <= base
        bases.append(base)
    assert bases == [10, 20, 40, 80, 100, 100]
    schedule.succeeded()
    assert schedule.next_delay() == schedule.regular


def test_jitter_spreads_stations_apart() -> None:
    delays = set()
    for seed in range(50):
        schedule = SyncSchedule(rng=random.Random(seed))
        schedule.failed()
        schedule.failed()
        delays.add(round(schedule.next_delay(), 3))
    assert len(delays) > 40


def test_equal_jitter_keeps_half_the_base_as_a_floor_and_reaches_up_to_the_base() -> None:
    """Equal jitter, as the docstring says: uniform in [base/2, base], never nearer 0 (full jitter would be)."""
    schedule = SyncSchedule(first_retry=16, cap=1000, rng=random.Random(19))
    schedule.failed()
    schedule.failed()  # base 32
    delays = [schedule.next_delay() for _ in range(2000)]
    assert min(delays) >= 16 and max(delays) <= 32
    assert min(delays) < 17 and max(delays) > 31  # the whole band is used, not a narrower one
