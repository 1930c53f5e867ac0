"""The station's identity, created on first run."""

from __future__ import annotations

import uuid
from dataclasses import replace

from desktop.store import settings
from sync.domain.case_number import validate_station_code
from sync.domain.errors import DomainError
from sync.domain.text import clean_text
from sync.domain.validation import validate_name, validate_phone

from .accounts_store import new_account
from .casework.records import StationInfo
from .context import ServiceContext, SessionClerk
from .safety import data_key


def current_station(ctx: ServiceContext) -> StationInfo | None:
    """The station, with the clerk logged in for this session as ``clerk`` (the actor of its events).

    Before anyone logged in (the first-run setup, the login dialog) ``clerk`` is the one the settings name:
    the first clerk, or on a station set up by an earlier release the clerk who logged in last there.
    """
    with ctx.db.reading() as session:
        data = settings.get(session, settings.STATION)
    return _with_session_clerk(ctx, StationInfo(**data)) if data else None


def _with_session_clerk(ctx: ServiceContext, info: StationInfo) -> StationInfo:
    if ctx.clerk is None:
        return info
    return replace(info, clerk=ctx.clerk.display_name, username=ctx.clerk.username)


def require_station(ctx: ServiceContext) -> StationInfo:
    station = current_station(ctx)
    if station is None:
        raise DomainError("代办站尚未设置，请先完成首次设置")
    return station


def setup_station(
    ctx: ServiceContext,
    *,
    code: str,
    name: str,
    village: str,
    town: str,
    clerk: str,
    username: str = "",
    password: str | None = None,
) -> StationInfo:
    """First run: record the station and its first clerk. Refused if already set up.

    With ``password`` the first clerk also gets a local account (``username``,
    default ``admin``) in the same transaction; the clerk is then logged in.
    """
    account = None
    if password is not None:
        account = new_account(username or "admin", clerk, password, ctx.clock.stamp())
    info = StationInfo(
        station_id=str(uuid.uuid4()),
        code=validate_station_code(code),
        name=validate_name(name, field="station_name", label="代办站名称"),
        village=validate_name(village, field="village", label="村（居）名称"),
        town=validate_name(town, field="town", label="所属镇（街道）"),
        clerk=validate_name(clerk, field="clerk", label="代办员姓名"),
        username=account.username if account else "",
    )
    unlocked = None
    with ctx.db.transaction() as session:
        if settings.get(session, settings.STATION):
            raise DomainError("代办站已经设置过，不能重复设置")
        settings.put(session, settings.STATION, info.__dict__)
        if account is not None and password is not None:
            session.add(account)
            unlocked = data_key.unlock_with_password(session, ctx.db.key_slot, account.username, password)
    if unlocked is not None:
        data_key.after_unlock(ctx.db, unlocked)
    if account is not None:
        ctx.clerk = SessionClerk(account.username, info.clerk)  # the first clerk is logged in
    return info


def _station_contact(address: str, phone: str) -> tuple[str, str]:
    address = clean_text(address, field="station_address", label="代办站地址", limit=100)
    return address, validate_phone(phone, field="station_phone") if phone.strip() else ""


def update_station(
    ctx: ServiceContext, *, name: str, village: str, town: str, address: str = "", phone: str = ""
) -> StationInfo:
    """代办站设置: correct the station's name, village, town, address and phone (printed on every form).

    The code stays: the town center assigned it and every case number starts with it. These facts are the
    station's own (the town center keeps its own record of the station, made at enrollment), so they are
    kept in the station's settings, not in the event chain; forms printed before keep what they printed.
    """
    address, phone = _station_contact(address, phone)
    changes = {
        "name": validate_name(name, field="station_name", label="代办站名称"),
        "village": validate_name(village, field="village", label="村（居）名称"),
        "town": validate_name(town, field="town", label="所属镇（街道）"),
        "address": address,
        "phone": phone,
    }
    with ctx.db.transaction() as session:
        data = dict(settings.get(session, settings.STATION) or {})
        if not data:
            raise DomainError("代办站尚未设置，请先完成首次设置")
        data.update(changes)
        settings.put(session, settings.STATION, data)
    return _with_session_clerk(ctx, StationInfo(**data))
