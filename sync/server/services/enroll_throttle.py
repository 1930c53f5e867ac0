"""Throttling of wrong enrollment codes, per client address and per station code.

Each refused enrollment is a row of the staff audit log (``登记码错误``: address, station code, reason),
so the state is in the database with no table of its own: it survives restarts, holds across
``--workers`` processes, and the director sees the attempts on the audit page. Within
``EnrollLimits.window``, ``free_failures`` failures from one address (or for one station code) cost
nothing; from then on each try waits ``base_wait`` doubled per further failure, at most ``max_wait``,
counted from the last failure. A try refused for waiting is not recorded (it does not lengthen the wait).

While an address or a station code waits, a *correct* code is refused too: otherwise the wait would
not slow a guesser down at all (any guess might be the right one), and the answer would tell a right
guess from a wrong one. The message says so. The price: someone sending wrong codes in a station's name
delays that station's enrollment by at most ``max_wait``.

The address is the one the staff pages audit (``request.client.host``, which uvicorn takes from
``X-Forwarded-For`` only when the proxy is in ``DAIBANTONG_TRUSTED_PROXIES``, the same host by default).
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.domain.clock import stamp

from ..core.config import EnrollLimits
from ..core.db import clock_of
from ..core.staff_models import AuditRow
from .reference_docs import lock_publications
from .staff import audit

ENROLL_FAILED = "登记码错误"
#: Who the audit rows name: no staff member, a station trying to enroll.
ACTOR = "（代办站登记）"


def _wait(limits: EnrollLimits, failures: int, last: str | None, now: datetime) -> float:
    if failures < limits.free_failures or last is None:
        return 0.0
    wait = min(limits.max_wait, limits.base_wait * (1 << min(failures - limits.free_failures, 20)))
    return (datetime.fromisoformat(last) + wait - now).total_seconds()


def _key(text: str | None) -> str:
    """What the audit row keeps of an address or station code: printable characters only (PostgreSQL refuses NUL)."""
    return "".join(ch for ch in (text or "").strip() if ch.isprintable())[:64]


def lock_enrollment(session: Session) -> None:
    """Take turns with every other enrollment (and publish) until the caller's transaction ends: the same
    lock as ``reference_docs.lock_publications``, which the enrollment itself takes (PostgreSQL advisory
    locks are re-entrant within a session); SQLite's ``BEGIN IMMEDIATE`` already serializes writers."""
    lock_publications(session)


def enroll_wait(session: Session, limits: EnrollLimits, address: str, station_code: str | None) -> int:
    """Whole seconds this address (or this station code) must still wait before its next try; 0 to go on."""
    now = clock_of(session).now()
    recent = select(func.count(), func.max(AuditRow.at)).where(
        AuditRow.action == ENROLL_FAILED, AuditRow.at >= stamp(now - limits.window)
    )
    keys = [AuditRow.ip == _key(address)]
    if _key(station_code):
        keys.append(AuditRow.target == _key(station_code))
    waits = [0.0]
    for key in keys:
        failures, last = session.execute(recent.where(key)).one()
        waits.append(_wait(limits, failures, last, now))
    return math.ceil(max(waits))


def record_enroll_failure(session: Session, address: str, station_code: str | None, reason: str) -> None:
    audit(session, ACTOR, ENROLL_FAILED, _key(station_code), reason, _key(address))


def wait_text(seconds: int) -> str:
    """A wait for the clerk: "30秒", "2分钟" (rounded up)."""
    return f"{seconds}秒" if seconds < 60 else f"{-(-seconds // 60)}分钟"
