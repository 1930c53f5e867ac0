"""Pydantic v2 models of the wire protocol (version ``PROTOCOL_VERSION``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sync.domain.events import Event

from . import encoding

#: "major.minor": a server refuses clients whose major differs or whose minor is older than it requires.
#: 1.1: compact push batches with the ``dbt-zdict-1`` coding (``encoding``), ``HandshakeReply.push_encodings``;
#: ``dbt-zdict-2`` (compact signature references, ``PushEvent.signed``) is offered through the same list.
PROTOCOL_VERSION = "1.1"
#: How a protocol version is written: ``MAJOR.MINOR``, ASCII digits only (``1.1``; not ``1``, ``1.1.1``, ``v1.1``).
PROTOCOL_VERSION_PATTERN = r"^[0-9]{1,4}\.[0-9]{1,4}$"
#: An Ed25519 public key on the wire: its 32 raw bytes as 64 lowercase hex digits (``transfer.public_key_hex``).
PUBLIC_KEY_PATTERN = r"^[0-9a-f]{64}$"
#: Upper bounds of one push batch; the server answers 413 past them.
MAX_BATCH_EVENTS = 1000
MAX_BATCH_BYTES = 4 * 1024 * 1024

#: Blobs (signature renderings, scans): whole size and the largest chunk of one PUT.
MAX_BLOB_BYTES = 64 * 1024 * 1024
MAX_BLOB_CHUNK_BYTES = 1024 * 1024

HASH_PATTERN = r"^[0-9a-f]{64}$"


class _Wire(BaseModel):
    """What a client sends: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Reply(BaseModel):
    """What the server answers: unknown fields are ignored, so a newer server may add some."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class _EventBody(_Wire):
    """The fields of an event that every wire form carries."""

    id: str = Field(min_length=1, max_length=64)
    station_id: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=1)
    type: str = Field(min_length=1, max_length=80)
    payload: dict[str, Any]
    actor: str = Field(max_length=200)
    occurred_at: str = Field(min_length=1, max_length=40)

    def _event(self, prev_hash: str, hash: str, origin: str) -> Event:
        return Event(
            id=self.id,
            station_id=self.station_id,
            seq=self.seq,
            type=self.type,
            payload=self.payload,
            actor=self.actor,
            occurred_at=self.occurred_at,
            prev_hash=prev_hash,
            hash=hash,
            origin=origin,
        )


class WireEvent(_EventBody):
    """One event on the wire; mirrors ``Event.to_dict()`` field by field."""

    prev_hash: str = Field(pattern=HASH_PATTERN)
    hash: str = Field(pattern=HASH_PATTERN)
    origin: Literal["station", "center"] = "station"

    @classmethod
    def from_event(cls, event: Event) -> WireEvent:
        return cls.model_validate(event.to_dict())

    def to_event(self) -> Event:
        return self._event(self.prev_hash, self.hash, self.origin)


class PushEvent(_EventBody):
    """One event of a push batch: ``prev_hash``/``hash`` may be left out (compact batch, see ``encoding``)."""

    prev_hash: str | None = Field(default=None, pattern=HASH_PATTERN)
    hash: str | None = Field(default=None, pattern=HASH_PATTERN)
    origin: Literal["station", "center"] = "station"
    #: The signature references, compacted (``dbt-zdict-2``, ``encoding.compact_signed``); the payload then
    #: lacks them and ``to_event`` restores it.
    signed: list[dict[str, Any]] | None = Field(default=None, min_length=1, max_length=20)

    def to_event(self) -> Event:
        """The event with ``prev_hash``/``hash`` empty where left out, for ``encoding.expand_chain``; its
        payload restored when its references came compacted (ChainBroken when they cannot be)."""
        event = self._event(self.prev_hash or "", self.hash or "", self.origin)
        if self.signed is None:
            return event
        payload = encoding.restore_signed(self.type, self.payload, self.signed, self.seq)
        return replace(event, payload=payload)


def wire_events(events: Iterable[Event]) -> list[WireEvent]:
    return [WireEvent.from_event(e) for e in events]


class Handshake(_Wire):
    protocol_version: str = Field(min_length=1, max_length=20, pattern=PROTOCOL_VERSION_PATTERN)
    app_version: str = Field(min_length=1, max_length=40)
    station_id: str | None = Field(default=None, max_length=64)
    # Optional and additive (clients without them still work): what the station has not yet sent.
    # Recorded for the stations page only when the handshake carries the station's bearer token.
    #: Events of the station's log after the sequence the center last acknowledged.
    pending_events: int | None = Field(default=None, ge=0, le=2**31 - 1)
    #: Their approximate size (uncompressed JSON bytes).
    pending_bytes: int | None = Field(default=None, ge=0, le=2**53)
    #: The last sequence of the station's own log (lets the center count down what is still unsent).
    last_seq: int | None = Field(default=None, ge=0, le=2**31 - 1)
    #: The station's Ed25519 public key for its transfer files (64 hex digits), registered with the token's
    #: authority when the center has none for the station yet (``sync.protocol.transfer``).
    signing_public_key: str | None = Field(default=None, pattern=PUBLIC_KEY_PATTERN)


class HandshakeReply(_Reply):
    accepted: bool
    server_version: str
    protocol_version: str = PROTOCOL_VERSION
    message: str = ""
    max_batch_events: int = MAX_BATCH_EVENTS
    max_batch_bytes: int = MAX_BATCH_BYTES
    #: The center's clock (UTC ISO-8601), so a station can warn when its own clock is far off.
    server_time: str = ""
    #: ``Content-Encoding`` values the center accepts on push, best first (``encoding.PUSH_ENCODINGS``);
    #: empty from a center older than protocol 1.1 (then only ``gzip``).
    push_encodings: list[str] = []
    #: The center's Ed25519 public key for its return files (64 hex digits); empty from an older center.
    center_signing_key: str = ""
    #: Whether the center holds the ``signing_public_key`` the station sent (then both sides sign with keys).
    station_key_registered: bool = False


class EnrollRequest(_Wire):
    """A station presents its one-time code; it may bring the id it already uses offline."""

    code: str = Field(min_length=4, max_length=64)
    station_id: str | None = Field(default=None, min_length=1, max_length=64)
    station_code: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=100)
    app_version: str | None = Field(default=None, max_length=40)


class EnrollReply(_Reply):
    station_id: str
    station_code: str
    name: str
    token: str
    #: The center's Ed25519 public key for its return files; empty from an older center.
    center_signing_key: str = ""


class PushBatch(_Wire):
    batch_id: str = Field(min_length=1, max_length=64)
    station_id: str = Field(min_length=1, max_length=64)
    #: Full events, or a compact batch: ``prev_hash`` on the first, ``hash`` on the last (the chain head).
    events: list[PushEvent]


class ConflictNote(_Reply):
    """A station event stored although the center had meanwhile moved the case elsewhere."""

    event_id: str
    case_id: str
    message: str


class RefusedNote(_Reply):
    """A station event the center keeps in the chain but refused (its content, or it does not fit its case):
    it changes nothing; the station shows it as 被拒绝 with ``field`` and ``message`` until a correction."""

    event_id: str
    seq: int
    case_id: str | None = None
    #: Machine-readable path of the refused field (``payload.applicant.address``), when one is to blame.
    field: str | None = None
    message: str


#: Request header of a client that takes refused events in the push reply (``PushReply.refused``) and goes on;
#: without it (stations before it) the first push that gets an event refused is answered 422 naming it, after
#: the batch is stored, and the resend goes through (the refused event is then a duplicate).
PER_EVENT_REFUSALS_HEADER = "X-Push-Refusals"
PER_EVENT_REFUSALS = "per-event"


class PushReply(_Reply):
    batch_id: str
    #: Highest contiguous sequence the server now holds for the station (refused events included).
    acked_seq: int
    accepted: int = 0
    duplicates: int = 0
    #: Events of this batch kept as conflicts with the center's handling (shown to a person on both sides).
    conflicts: list[ConflictNote] = []
    #: Events of this batch kept refused (now or on an earlier push): shown as 被拒绝 on both sides.
    refused: list[RefusedNote] = []


class EventList(_Reply):
    station_id: str
    events: list[WireEvent]
    #: Highest seq returned, or the ``after_seq`` asked for when empty; pass it back to page on.
    next_after_seq: int
    has_more: bool = False


class DigestReply(_Reply):
    station_id: str
    count: int
    hash: str
    last_seq: int


class PullRequest(_Wire):
    after: int = Field(default=0, ge=0)
    limit: int = Field(default=500, ge=1, le=MAX_BATCH_EVENTS)


class PullReply(_Reply):
    """Center events for the station after a cursor (the center's per-station sequence)."""

    events: list[WireEvent]
    cursor: int
    has_more: bool = False


class BlobStatus(_Reply):
    """How much of a blob the center holds; ``complete`` only after its SHA-256 verified."""

    sha256: str = Field(pattern=HASH_PATTERN)
    size: int = Field(ge=0)
    received: int = Field(ge=0)
    complete: bool


class HealthReply(_Reply):
    status: Literal["ok"] = "ok"
    version: str
    protocol_version: str = PROTOCOL_VERSION
    db: str


class ErrorBody(_Reply):
    """Every error answer of the API. ``message`` is Simplified Chinese, shown to the user as is."""

    code: str
    message: str
    field: str | None = None
    expected_seq: int | None = None
    event_id: str | None = None
    #: For a blob chunk sent at the wrong offset: where to continue.
    expected_offset: int | None = None


#: Machine-readable ``ErrorBody.code`` values.
class ErrorCode:
    INVALID_REQUEST = "invalid_request"
    UNAUTHORIZED = "unauthorized"
    REVOKED = "station_revoked"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    GAP = "sequence_gap"
    CHAIN_BROKEN = "chain_broken"
    REJECTED = "rejected"
    TOO_LARGE = "too_large"
    OUTDATED = "protocol_outdated"
    ENROLL_FAILED = "enroll_failed"
    NOT_FOUND = "not_found"
    BLOB_MISMATCH = "blob_mismatch"
    BLOB_OFFSET = "blob_offset"
    UNSUPPORTED_ENCODING = "unsupported_encoding"
    #: ``X-Protocol-Version`` (or a handshake's ``protocol_version``) not written as ``MAJOR.MINOR``.
    INVALID_PROTOCOL_VERSION = "invalid_protocol_version"
    #: 429: too many wrong enrollment codes from one address or for one station code; ``Retry-After`` says how long.
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    #: 503: the center cannot reach its database (``/health``); try again later.
    UNAVAILABLE = "service_unavailable"
