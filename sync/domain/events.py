"""The immutable event: the unit of storage, sync and audit.

Each station keeps its own chain: event *n* carries the hash of event *n-1* of
the same station (``GENESIS_HASH`` for the first), and its own hash over its
canonical JSON form. Editing or removing any stored event breaks the chain,
which ``verify_chain`` detects. The town center verifies the same chain with
the same code.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from .errors import ChainBroken

GENESIS_HASH = "0" * 64

#: Who may author an event type: the station ("station") or the town center ("center").
STATION = "station"
CENTER = "center"


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys, no spaces, UTF-8 kept) used for hashing."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Event:
    """One recorded fact. ``payload`` is plain JSON data."""

    id: str
    station_id: str
    seq: int
    type: str
    payload: Mapping[str, Any]
    actor: str
    occurred_at: str
    prev_hash: str
    hash: str = ""
    origin: str = STATION
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def body(self) -> dict[str, Any]:
        """Everything the hash covers."""
        return {
            "id": self.id,
            "station_id": self.station_id,
            "seq": self.seq,
            "type": self.type,
            "payload": self.payload,
            "actor": self.actor,
            "occurred_at": self.occurred_at,
            "prev_hash": self.prev_hash,
            "origin": self.origin,
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.body()).encode("utf-8")).hexdigest()

    def sealed(self) -> Event:
        """A copy with ``hash`` filled in."""
        return replace(self, hash=self.compute_hash())

    def to_dict(self) -> dict[str, Any]:
        data = self.body()
        data["hash"] = self.hash
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        return cls(
            id=str(data["id"]),
            station_id=str(data["station_id"]),
            seq=int(data["seq"]),
            type=str(data["type"]),
            payload=dict(data["payload"]),
            actor=str(data["actor"]),
            occurred_at=str(data["occurred_at"]),
            prev_hash=str(data["prev_hash"]),
            hash=str(data.get("hash", "")),
            origin=str(data.get("origin", STATION)),
        )


class EventRecord(Protocol):
    """Anything that stores an event's fields as attributes (a database row on either side)."""

    @property
    def id(self) -> str: ...

    @property
    def station_id(self) -> str: ...

    @property
    def seq(self) -> int: ...

    @property
    def type(self) -> str: ...

    @property
    def payload(self) -> Mapping[str, Any]: ...

    @property
    def actor(self) -> str: ...

    @property
    def occurred_at(self) -> str: ...

    @property
    def prev_hash(self) -> str: ...

    @property
    def hash(self) -> str: ...

    @property
    def origin(self) -> str: ...


def event_from_record(record: EventRecord) -> Event:
    """The Event stored in a row of the station's or the center's event tables."""
    return Event(
        id=record.id,
        station_id=record.station_id,
        seq=record.seq,
        type=record.type,
        payload=record.payload,
        actor=record.actor,
        occurred_at=record.occurred_at,
        prev_hash=record.prev_hash,
        hash=record.hash,
        origin=record.origin,
    )


def new_event(
    *,
    station_id: str,
    seq: int,
    prev_hash: str,
    type: str,
    payload: Mapping[str, Any],
    actor: str,
    occurred_at: str,
    origin: str = STATION,
) -> Event:
    """Create and seal the next event of a chain, stamped ``occurred_at`` (the caller's ``Clock.stamp()``)."""
    return Event(
        id=str(uuid.uuid4()),
        station_id=station_id,
        seq=seq,
        type=type,
        payload=dict(payload),
        actor=actor,
        occurred_at=occurred_at,
        prev_hash=prev_hash,
        origin=origin,
    ).sealed()


def verify_chain(events: Iterable[Event], *, start_hash: str = GENESIS_HASH, start_seq: int = 1) -> str:
    """Check sequence, links and hashes; return the last hash or raise ChainBroken."""
    expected_prev = start_hash
    expected_seq = start_seq
    for event in events:
        if event.seq != expected_seq:
            raise ChainBroken(f"事件序号不连续：应为第{expected_seq}号，实际为第{event.seq}号")
        if event.prev_hash != expected_prev:
            raise ChainBroken(f"第{event.seq}号事件与前一事件的链接不符，记录可能被删除或篡改")
        if event.compute_hash() != event.hash:
            raise ChainBroken(f"第{event.seq}号事件的内容与其校验值不符，记录可能被篡改")
        expected_prev = event.hash
        expected_seq += 1
    return expected_prev


def chain_digest(events: Iterable[Event]) -> tuple[int, str]:
    """(count, sha256 over the event hashes in order): compared after each sync."""
    digest = hashlib.sha256()
    count = 0
    for event in events:
        digest.update(event.hash.encode("ascii"))
        count += 1
    return count, digest.hexdigest()
