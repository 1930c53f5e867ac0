"""Tables of the station database (SQLAlchemy 2.x typed mapping).

``events`` is the append-only log (the truth). ``cases`` is a projection of it,
kept for fast lists and rebuildable from the log. Personal data (身份证, phone,
signature ink) is stored masked in the JSON columns and sealed in ``sealed``
(``desktop.store.personal_data``). ``sync_state`` and
``sync_rejections`` are the outbox bookkeeping; ``settings`` holds small
documents (station identity, catalog and calendar pushed by the town center).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ChainedEvent:
    """The columns of one event of a hash chain (``sync.domain.events.Event``), the station's own and the
    center's alike (declared once); ``sealed`` last in both tables."""

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    station_id: Mapped[str] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[str] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))
    #: The payload's personal data (AES-GCM envelope); ``payload`` holds it masked. None: nothing personal.
    sealed: Mapped[str | None] = mapped_column(Text, sort_order=2)


class EventRow(ChainedEvent, Base):
    """An event of the station's own chain."""

    __tablename__ = "events"


class CaseRow(Base):
    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    case_type: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), index=True)
    applicant_name: Mapped[str] = mapped_column(String(64), index=True)
    #: 110105********002X: for lists; the full number only in ``sealed``.
    id_number_masked: Mapped[str] = mapped_column(String(18), default="", server_default="")
    #: 138****8000 (a landline keeps its area code and last four digits).
    phone_masked: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: Keyed blind index (HMAC) of the full 身份证 number: exact search without storing it.
    id_number_index: Mapped[str | None] = mapped_column(String(32), index=True)
    #: Keyed blind index of the full phone number (digits only).
    phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    item_name: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[str] = mapped_column(String(40), index=True)
    due_on: Mapped[str | None] = mapped_column(String(10), index=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: name, case number, masked phone, masked 身份证 and matter, upper-cased: one LIKE serves the list filter.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: A 差评 the town center has not yet closed (回访整改): listed on the home page.
    bad_rating_open: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", index=True)
    #: The personal data of ``data`` (AES-GCM envelope); ``data`` holds it masked.
    sealed: Mapped[str | None] = mapped_column(Text)


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class CaseCounterRow(Base):
    """Last serial number used per day, for case numbers made offline."""

    __tablename__ = "case_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class SyncStateRow(Base):
    """One row: the highest sequence the town center confirmed holding."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)


class SyncRejectionRow(Base):
    """An event the town center refused: shown to a person, never dropped."""

    __tablename__ = "sync_rejections"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))


class SyncConflictRow(Base):
    """A station event the center stored but flagged: the case had meanwhile moved at the center."""

    __tablename__ = "sync_conflicts"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(40))


class ClerkRow(Base):
    """A local clerk account (代办员); the password is stored only as a scrypt hash."""

    __tablename__ = "clerks"

    username: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(40))
    #: The clerk's 身份证 number and phone (printed as 受托人): masked here, real values sealed in ``sealed``
    #: (``desktop.services.clerk_identity``).
    id_number_masked: Mapped[str] = mapped_column(String(32), default="", server_default="")
    phone_masked: Mapped[str] = mapped_column(String(32), default="", server_default="")
    sealed: Mapped[str | None] = mapped_column(Text, nullable=True)


class CenterEventRow(ChainedEvent, Base):
    """An event of the town center's chain for this station (pulled or imported).

    Not part of the station's own hash chain: it has its own (``seq`` 1, 2, …
    linked by ``prev_hash``). ``applied_after_seq`` is the station's own head
    when it was applied, so a rebuild replays both logs in the original order.
    """

    __tablename__ = "center_events"

    # sort_order: after the chain's columns, before ``sealed``, as the migrations made the table
    applied_after_seq: Mapped[int] = mapped_column(Integer, sort_order=1)
    applied_at: Mapped[str] = mapped_column(String(40), sort_order=1)
    #: Why the event could not be applied to its case (kept and shown to a person), else None.
    conflict: Mapped[str | None] = mapped_column(Text, sort_order=1)


Index("ix_cases_item_name", CaseRow.item_name)
#: The list filter scans this index only (newest first), then reads the matching rows.
Index("ix_cases_list", CaseRow.registered_at, CaseRow.search_text, CaseRow.state)
#: The home page's deadline lists: state IN (clock running) AND due_on …, from the index alone.
Index("ix_cases_state_due", CaseRow.state, CaseRow.due_on)
