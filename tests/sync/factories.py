"""Events for sync tests, made with ``sync.domain.events.new_event`` in a proper chain."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bench import registered_payload
from sync.domain.clock import FixedClock
from sync.domain.events import GENESIS_HASH, Event, new_event


@dataclass
class Chain:
    """A station's event chain under construction."""

    station_id: str
    events: list[Event] = field(default_factory=list)
    actor: str = "李代办"
    #: The station's clock: its events happen on the day of the case numbers below.
    clock: FixedClock = field(default_factory=lambda: FixedClock.on(date(2026, 11, 23)))

    @property
    def head(self) -> str:
        return self.events[-1].hash if self.events else GENESIS_HASH

    def add(self, type: str, payload: dict[str, Any]) -> Event:
        event = new_event(
            station_id=self.station_id,
            seq=len(self.events) + 1,
            prev_hash=self.head,
            type=type,
            payload=payload,
            actor=self.actor,
            occurred_at=self.clock.stamp(),
        )
        self.events.append(event)
        return event

    def new_case(self, n: int = 1) -> str:
        """register → accept → deliver one case; returns its id."""
        payload = registered_payload(case_no=f"CS01-20261123-{n:04d}")
        case_id = str(payload["case_id"])
        self.add("case.registered", payload)
        self.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
        self.add("case.deliver", {"case_id": case_id})
        return case_id


def tampered(event: Event, **changes: Any) -> Event:
    """The event with changed fields but its old hash (as if a row were edited)."""
    return replace(event, **changes)


def resealed(event: Event, **changes: Any) -> Event:
    """The event with changed fields and a freshly computed hash (same id)."""
    return replace(event, **changes).sealed()
