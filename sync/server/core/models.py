"""Tables of the town center (SQLAlchemy 2.x typed models).

Timestamps are ISO-8601 UTC strings, as in the events themselves, so that
SQLite and PostgreSQL store and compare them the same way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Computed,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sync.domain.events import GENESIS_HASH, STATION


class Base(DeclarativeBase):
    pass


#: The town every center's data belonged to before towns (migration 0112): a single-town center has only it.
DEFAULT_TOWN_ID = 1


class TownRow(Base):
    """A town (镇) served by this deployment; a county deployment serves several (``services.towns``)."""

    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[str] = mapped_column(String(40))


class StationRow(Base):
    """An enrolled 代办站. ``head_*`` is the last stored event of its chain."""

    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    enrolled_at: Mapped[str] = mapped_column(String(40))
    #: The town it enrolled under (its enrollment code's); its cases, events and follow-ups are that town's.
    town_id: Mapped[int] = mapped_column(Integer, default=DEFAULT_TOWN_ID, server_default=text("1"), index=True)
    revoked_at: Mapped[str | None] = mapped_column(String(40), default=None)
    revoked_reason: Mapped[str] = mapped_column(String(200), default="")
    head_seq: Mapped[int] = mapped_column(Integer, default=0)
    head_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    center_seq: Mapped[int] = mapped_column(Integer, default=0)
    center_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    # What the station last told about itself (authenticated handshake, enrollment), and when it last
    # synced; shown on the stations page (migration 0102). ``reported_seq`` is the last seq of the
    # station's own log at the handshake, so "still unsent" = reported_seq - head_seq after later pushes.
    app_version: Mapped[str | None] = mapped_column(String(40), default=None)
    protocol_version: Mapped[str | None] = mapped_column(String(20), default=None)
    last_handshake_at: Mapped[str | None] = mapped_column(String(40), default=None)
    last_push_at: Mapped[str | None] = mapped_column(String(40), default=None)
    last_pull_at: Mapped[str | None] = mapped_column(String(40), default=None)
    last_import_at: Mapped[str | None] = mapped_column(String(40), default=None)
    pending_events: Mapped[int | None] = mapped_column(Integer, default=None)
    pending_bytes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    reported_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    # The station's Ed25519 public key for its transfer files (hex) and when it was registered (migration 0107):
    # set at the station's first authenticated handshake after enrollment, cleared by a re-enrollment.
    signing_public_key: Mapped[str | None] = mapped_column(String(64), default=None)
    signing_key_at: Mapped[str | None] = mapped_column(String(40), default=None)
    # A key offered in a USB file of a station without a registered key (migration 0110): never trusted,
    # replaced by a later different offer, registered as ``signing_public_key`` only once the director
    # confirmed its fingerprint read from the station's screen (``services.signing_keys``).
    pending_signing_key: Mapped[str | None] = mapped_column(String(64), default=None)
    pending_signing_key_at: Mapped[str | None] = mapped_column(String(40), default=None)


class _EventColumns:
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), ForeignKey("stations.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[str] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16), default=STATION)
    received_at: Mapped[str] = mapped_column(String(40))
    #: The payload's personal data (AES-GCM envelope, ``core.sealing``); ``payload`` holds it masked.
    #: None: nothing personal (migration 0108).
    sealed: Mapped[str | None] = mapped_column(Text, default=None)


class EventRow(_EventColumns, Base):
    """Events authored by stations, exactly as they were hashed.

    A refused event (its payload does not parse, or it does not fit its case) keeps its place in the
    station's chain so that later events still link to it, but changes nothing: ``refused`` holds the
    Chinese reason and ``refused_field`` the field path; ``payload`` is then ``{}`` and ``raw_payload``
    the payload as sent, in ASCII JSON (a NUL can be kept there, not in a JSON column of PostgreSQL), sealed
    whole (``core.sealing``). Read events through ``services.queries.row_to_event``, which puts the sent payload back.
    """

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("station_id", "seq", name="uq_events_station_seq"),)

    batch_id: Mapped[str | None] = mapped_column(String(64), default=None)
    refused: Mapped[str | None] = mapped_column(String(1000), default=None)
    refused_field: Mapped[str | None] = mapped_column(String(200), default=None)
    raw_payload: Mapped[str | None] = mapped_column(Text, default=None)


class CenterEventRow(_EventColumns, Base):
    """Events authored by the center for one station: a chain of their own (see services.center_events)."""

    __tablename__ = "center_events"
    __table_args__ = (UniqueConstraint("station_id", "seq", name="uq_center_events_station_seq"),)


#: The width of a batch's id: a push's ``batch_id``, a station file's ``transfer_id`` (``ingest`` refuses wider).
BATCH_ID_WIDTH = 64


class BatchRow(Base):
    __tablename__ = "batches"

    station_id: Mapped[str] = mapped_column(String(64), ForeignKey("stations.id"), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(BATCH_ID_WIDTH), primary_key=True)
    received_at: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16), default="push")
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)


class CaseRow(Base):
    """Projection of each case (``sync.domain.projection.view_to_dict``), rebuildable from the events."""

    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), ForeignKey("stations.id"), index=True)
    case_no: Mapped[str] = mapped_column(String(40), index=True)
    state: Mapped[str] = mapped_column(String(32), index=True)
    #: ``jsonb`` on PostgreSQL (0111): parsed once when stored, so every ``->>`` of a filter or a count reads it
    #: without parsing the document again (``json`` text was parsed per operator: a county-year's review 1.3 s).
    data: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    updated_at: Mapped[str] = mapped_column(String(40))
    #: Set when a station event conflicted with the center's handling (the Chinese reason); "" otherwise.
    conflict: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: Whether the center changed the case after the station's last accepted event for it.
    center_since_station: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: 窗口确认收件 in one word (``sync.domain.window_receipt.case_receipt_status``), for the inbox filter.
    receipt_status: Mapped[str] = mapped_column(String(16), default="", server_default="", index=True)
    #: The projection's personal data (AES-GCM envelope, ``core.sealing``); ``data`` holds it masked (0108).
    sealed: Mapped[str | None] = mapped_column(Text, default=None)
    #: Keyed blind indexes (HMAC) of the applicant's whole 身份证 number and phone: exact search, no number kept.
    id_number_index: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    phone_index: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    #: When the center first stored the case (its first accepted event's ``received_at``; kept by a rebuild), for
    #: the inbox's "new cases arrived" notice (migration 0109).
    arrived_at: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    # What the 考核 counts read (``services.review_counts``), copied from ``data`` by ``store_view`` (0116): a
    # county-year's review reads these narrow columns, through ``ix_cases_review``, instead of every case's JSON.
    registered_at: Mapped[str | None] = mapped_column(String(40), default=None)
    clerk: Mapped[str | None] = mapped_column(String, default=None)
    case_type: Mapped[str | None] = mapped_column(String(32), default=None)
    accepted_on: Mapped[str | None] = mapped_column(String(40), default=None)
    completed_on: Mapped[str | None] = mapped_column(String(40), default=None)
    #: Generated by the database from ``data`` since 0120, like ``item_name`` below (the projection no longer writes
    #: it): the deadline counts and lists read it, and ``ix_cases_state_due_on`` holds it.
    due_on: Mapped[str | None] = mapped_column(String(40), Computed("(data ->> 'due_on')", persisted=True))
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    #: The 反馈表's rated dimensions (``forms.data.DIMENSION_LABELS``), each 1-5 or None.
    rating_efficiency: Mapped[int | None] = mapped_column(Integer, default=None)
    rating_competence: Mapped[int | None] = mapped_column(Integer, default=None)
    rating_attitude: Mapped[int | None] = mapped_column(Integer, default=None)
    # The 事项 name and the villager's name, generated by the database from ``data`` (0119, whose DDL per backend
    # is the one of record: stored on PostgreSQL, computed when read on SQLite): the inbox's 事项 filter and the
    # name search compare these, through PostgreSQL's trigram and character indexes, without reading the JSON.
    item_name: Mapped[str | None] = mapped_column(String, Computed("(data ->> 'item_name')", persisted=True))
    applicant_name: Mapped[str | None] = mapped_column(
        String, Computed("(data #>> '{applicant,name}')", persisted=True)
    )

    __table_args__ = (
        # the period's range, then every column the counts read: the review is read from the index alone
        Index(
            "ix_cases_review",
            "registered_at",
            "station_id",
            "clerk",
            "case_type",
            "accepted_on",
            "completed_on",
            "due_on",
            "rating",
            "rating_efficiency",
            "rating_competence",
            "rating_attitude",
        ),
    )


class ReviewMonthRow(Base):
    """The 考核 counts of one clerk of a station in one month (``services.review_months``, 0118): what
    ``review_counts`` counts over the cases registered in that month, kept up to date as the cases are written.
    A period's review sums its months' rows (a county-year: ~14,000 rows, where the cases are 190,000); the
    columns are ``sync.domain.ratings.ReviewCounts``'s, the sum of the ratings, then each rated dimension's
    tally."""

    __tablename__ = "review_months"

    #: ``YYYY-MM``: the month whose Beijing-midnight bounds (``day_start_stamp``) hold the case's ``registered_at``.
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The case's clerk, "" when the projection has none (as ``review_counts.by_clerk`` groups).
    clerk: Mapped[str] = mapped_column(String, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)
    immediate_done: Mapped[int] = mapped_column(Integer)
    immediate_on_spot: Mapped[int] = mapped_column(Integer)
    promised_done: Mapped[int] = mapped_column(Integer)
    promised_on_time: Mapped[int] = mapped_column(Integer)
    rated: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    bad: Mapped[int] = mapped_column(Integer)
    rating_sum: Mapped[int] = mapped_column(Integer)
    efficiency_rated: Mapped[int] = mapped_column(Integer)
    efficiency_sum: Mapped[int] = mapped_column(Integer)
    efficiency_satisfied: Mapped[int] = mapped_column(Integer)
    competence_rated: Mapped[int] = mapped_column(Integer)
    competence_sum: Mapped[int] = mapped_column(Integer)
    competence_satisfied: Mapped[int] = mapped_column(Integer)
    attitude_rated: Mapped[int] = mapped_column(Integer)
    attitude_sum: Mapped[int] = mapped_column(Integer)
    attitude_satisfied: Mapped[int] = mapped_column(Integer)


class EnrollmentCodeRow(Base):
    __tablename__ = "enrollment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40))
    used_at: Mapped[str | None] = mapped_column(String(40), default=None)
    station_id: Mapped[str | None] = mapped_column(String(64), default=None)
    #: The town whose director issued it: the station enrolls under it.
    town_id: Mapped[int] = mapped_column(Integer, default=DEFAULT_TOWN_ID, server_default=text("1"))


class TokenRow(Base):
    """A station's bearer token; only its SHA-256 is kept."""

    __tablename__ = "tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), ForeignKey("stations.id"), index=True)
    created_at: Mapped[str] = mapped_column(String(40))
    revoked_at: Mapped[str | None] = mapped_column(String(40), default=None)


class BlobRow(Base):
    """A content-addressed file of one station; ``complete`` once its SHA-256 verified."""

    __tablename__ = "blobs"

    station_id: Mapped[str] = mapped_column(String(64), ForeignKey("stations.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(40))
    completed_at: Mapped[str | None] = mapped_column(String(40), default=None)


class BlobChunkRow(Base):
    """The bytes of a blob, in the chunks they arrived in (resumable upload)."""

    __tablename__ = "blob_chunks"

    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    #: ``data`` is sealed with the center's data key (``core.sealing.chunk_aad``; migration 0108).
    sealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DataKeyRow(Base):
    """The data key the personal data is sealed with: its id and a check value (never the key: ``core.sealing``)."""

    __tablename__ = "data_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    check_value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))
