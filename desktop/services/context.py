"""What every use case needs: the database, the clock, catalog and calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import resources
from desktop.store import settings
from desktop.store.db import Database
from sync.domain.calendar import HolidayCalendar
from sync.domain.catalog import Catalog
from sync.domain.clock import SYSTEM_CLOCK, Clock
from sync.domain.town import TownInfo

from .safety import data_key

DEMO_CATALOG = "catalog/demo.json"
DEFAULT_CALENDAR = "holidays/cn.json"


@dataclass(frozen=True)
class SessionClerk:
    """The clerk logged in for this session: the actor of every event from now on."""

    username: str
    display_name: str


class ServiceContext:
    """Composition of the station's services; built once by the app or a test."""

    def __init__(self, db: Database) -> None:
        self.db = db
        #: The sync credential opened with the clerk's password, on PCs without a keyring (memory only).
        self.unlocked_token: str | None = None
        #: Cases whose events are in the push batch being sent now (同步中); replaced whole, never mutated,
        #: so a reader on another thread sees either the old or the new set.
        self.sync_in_flight: frozenset[str] = frozenset()
        #: The clerk logged in for this session (``accounts.login``; 切换用户 replaces it). Memory only: the
        #: settings table keeps just the last login, to prefill the next one (``accounts.last_username``).
        self.clerk: SessionClerk | None = None

    @classmethod
    def open(cls, data_dir: Path, clock: Clock = SYSTEM_CLOCK) -> ServiceContext:
        """Open (and migrate) the station database in ``data_dir``; its data key from the keyring if there is one."""
        return cls(data_key.open_database(data_dir, clock))

    def __setattr__(self, name: str, value: object) -> None:
        if name == "today":  # a second clock, the bug this class exists to prevent: move ``clock`` instead
            raise AttributeError("ServiceContext.today follows the clock: set the clock (FixedClock.set)")
        super().__setattr__(name, value)

    @property
    def clock(self) -> Clock:
        """The one clock of the station (Beijing time), the database's: tests and demos open with a
        ``FixedClock``."""
        return self.db.clock

    def today(self) -> date:
        """The civil date in Beijing now (deadlines, case numbers, ledgers, the daily backup)."""
        return self.clock.today()

    @cached_property
    def catalog(self) -> Catalog:
        """The catalog the town center published, else the shipped demo catalog."""
        with self.db.reading() as session:
            published = settings.get(session, settings.CATALOG)
        if published:
            return Catalog.from_dict(published)
        return Catalog.from_json(resources.read_text(DEMO_CATALOG))

    @cached_property
    def calendar(self) -> HolidayCalendar:
        with self.db.reading() as session:
            published = settings.get(session, settings.CALENDAR)
        if published:
            return HolidayCalendar.from_dict(published)
        return HolidayCalendar.from_json(resources.read_text(DEFAULT_CALENDAR))

    @cached_property
    def town(self) -> TownInfo | None:
        """本镇信息 as the town center published it (name, phones, public case address), else None."""
        with self.db.reading() as session:
            published = settings.get(session, settings.TOWN)
        return TownInfo.from_dict(published) if published else None

    def reload_reference_data(self) -> None:
        """Forget the cached catalog, calendar and 本镇信息 (after the center sent new ones)."""
        self.__dict__.pop("catalog", None)
        self.__dict__.pop("calendar", None)
        self.__dict__.pop("town", None)

    def close(self) -> None:
        self.db.close()
