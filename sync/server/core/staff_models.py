"""Tables of the staff side of the town center: accounts, sessions, audit, follow-ups, published documents."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, CaseRow


class StaffRow(Base):
    """A center staff account; ``role`` is director / window / supervisor; only the password's hash is kept
    (argon2; older accounts' scrypt until their next login).

    ``failed_logins`` counts wrong passwords in a row (the count starts again when the last one is older
    than the lock time); reaching the limit sets ``locked_until``. ``must_change_password`` is set on an
    account the director made or whose password the director reset: its first login goes to 修改密码."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(40))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[str | None] = mapped_column(String(40), default=None)
    locked_until: Mapped[str | None] = mapped_column(String(40), default=None)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The town whose cases the account sees; None for a county-level account (role ``county``, migration 0112).
    town_id: Mapped[int | None] = mapped_column(Integer, default=None)


class StaffSessionRow(Base):
    """A logged-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer, ForeignKey("staff.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40))


class AuditRow(Base):
    """Who did what, when, from where (every staff action, every full view of personal data)."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40), index=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(1000), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class FollowupRow(Base):
    """The 回访/整改 of one 差评: opened when the bad rating arrives, closed with its outcome."""

    __tablename__ = "rating_followups"

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    case_no: Mapped[str] = mapped_column(String(40))
    clerk: Mapped[str] = mapped_column(String(200))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    rated_on: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[str] = mapped_column(String(10))
    closed_on: Mapped[str | None] = mapped_column(String(10), default=None)
    outcome: Mapped[str] = mapped_column(String(1000), default="")
    closed_by: Mapped[str] = mapped_column(String(100), default="")


class PublishedDocRow(Base):
    """Every published version of the catalog (kind="catalog") or holiday calendar (kind="calendar")."""

    __tablename__ = "published_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[str] = mapped_column(String(40))
    published_by: Mapped[str] = mapped_column(String(100))
    #: None: published for every town (catalog, calendar, 保存期限); a town's id: that town's own (本镇信息).
    town_id: Mapped[int | None] = mapped_column(Integer, default=None)


#: The inbox lists the most recently changed cases first.
Index("ix_cases_updated_at", CaseRow.updated_at)
