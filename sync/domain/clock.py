"""The one clock: the only place that reads the system's time.

Stations and the town center live on Beijing time, whatever time zone the PC or the server is set
to. Everything that stamps or compares time takes a :class:`Clock` (the station's
``ServiceContext.clock``, the center's ``Settings.clock``): event times, backups and their names,
audit records, ledgers, deadlines, the center's pages. ``now()`` is an aware UTC instant (what
events and rows store); ``today()`` is the civil date in Beijing at that instant (what deadlines,
case numbers, ledgers and the "once a day" rules count). Reading both from one object keeps them
on the same day: a station's event recorded at 00:00:10 Beijing time belongs to the same day as its
case number and its backup, even on a PC whose own clock is set to UTC.

Tests and demos pin time with :class:`FixedClock`, which starts at a given instant and (by
default) runs on from there, so that durations and orderings still behave.

A ruff banned-API rule (TID251) keeps direct reads of the system clock out of every other module.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

#: China has kept UTC+8 all year since 1991: a fixed offset needs no tz database (absent on Windows).
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

_ISO_MS = "milliseconds"


class Clock:
    """The system clock, read as Beijing time."""

    def now(self) -> datetime:
        """This instant, aware, in UTC."""
        return datetime.now(UTC)

    def local_now(self) -> datetime:
        """This instant on Beijing's wall clock (aware, UTC+8)."""
        return self.now().astimezone(CHINA)

    def today(self) -> date:
        """The civil date in Beijing now."""
        return self.local_now().date()

    def stamp(self) -> str:
        """This instant as the ISO-8601 UTC text events and rows store, to the millisecond."""
        return stamp(self.now())


class FixedClock(Clock):
    """A clock pinned to ``start`` (aware); with ``tick`` it runs on from there at real speed.

    ``set`` and ``advance`` move it (a test crossing midnight, a worker's backoff)."""

    def __init__(self, start: datetime, *, tick: bool = True) -> None:
        self._start = _aware(start)
        self._tick = tick
        self._origin = time.monotonic()

    @classmethod
    def beijing(
        cls, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, *, tick: bool = True
    ) -> FixedClock:
        """A clock at this Beijing wall time."""
        return cls(datetime(year, month, day, hour, minute, second, tzinfo=CHINA), tick=tick)

    @classmethod
    def on(cls, day: date, hour: int = 10, *, tick: bool = True) -> FixedClock:
        """A clock on ``day`` in Beijing, at ``hour`` o'clock (10:00 by default: far from midnight)."""
        return cls.beijing(day.year, day.month, day.day, hour, tick=tick)

    def now(self) -> datetime:
        if not self._tick:
            return self._start
        return self._start + timedelta(seconds=time.monotonic() - self._origin)

    def set(self, moment: datetime, *, tick: bool | None = None) -> None:
        """Stand at ``moment`` from now on (and run on from there, or stand still, if ``tick`` says so)."""
        self._start = _aware(moment)
        self._origin = time.monotonic()
        if tick is not None:
            self._tick = tick

    def advance(self, **delta: float) -> None:
        self.set(self.now() + timedelta(**delta))


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("FixedClock needs an aware datetime (give its time zone)")
    return moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """An aware instant as the ISO-8601 UTC text events and rows store, to the millisecond."""
    return moment.astimezone(UTC).isoformat(timespec=_ISO_MS)


def beijing(moment: datetime) -> datetime:
    """An instant on Beijing's wall clock; a naive one is taken as UTC (how older rows stored it)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(CHINA)


def beijing_day(utc_iso: str) -> date:
    """The Beijing civil date of a stored ISO-8601 timestamp (``occurred_at``, ``created_at``)."""
    return beijing(datetime.fromisoformat(utc_iso)).date()


def day_start_utc(day: date) -> datetime:
    """Beijing midnight at the start of ``day``, as an aware UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA).astimezone(UTC)


def day_start_stamp(day: date) -> str:
    """Beijing midnight at the start of ``day`` as stored-timestamp text: ``occurred_at >= day_start_stamp(d)``
    selects what happened from that Beijing day on."""
    return stamp(day_start_utc(day))


#: The clock of a running station or center (tests and demos build a FixedClock instead).
SYSTEM_CLOCK = Clock()
