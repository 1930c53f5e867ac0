"""Typed dependencies of the staff pages: the logged-in staff member, role checks, CSRF, templates.

Staff are recognised only by their session cookie: a station's bearer token opens no staff page,
and the sync API ignores staff cookies.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.domain.clock import beijing

from ..api.deps import SessionDep
from ..core.db import clock_of
from ..services.evaluation import open_followups
from ..services.reference_docs import current_calendar
from ..services.staff import DIRECTOR, StaffUser, session_user
from ..services.town_admin import printed_center_name
from ..services.town_scope import scope_session
from ..services.towns import several_towns
from .font_slices import han_fonts_css_name

COOKIE = "dbt_staff"
LOGIN_CSRF_COOKIE = "dbt_login_csrf"
PREFIX = "/center"
#: 修改密码: the one page (besides 退出) of an account that must change its password first.
PASSWORD_PATH = PREFIX + "/password"
SESSION_MAX_AGE = 10 * 3600

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


def local_time(value: str | None, seconds: bool = False) -> str:
    """An ISO-8601 UTC timestamp as Beijing time, "2026-11-23 18:05" (pages show local time)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return beijing(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def file_size(value: int) -> str:
    """Bytes as the staff read them: "860 B", "12.5 KB", "3.2 MB", "20.0 GB"."""
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.1f} KB"
    if value < 1024**3:
        return f"{value / 1024 / 1024:.1f} MB"
    return f"{value / 1024**3:.1f} GB"


templates.env.filters["local"] = local_time
templates.env.filters["filesize"] = file_size
templates.env.globals["han_fonts_css_name"] = han_fonts_css_name


class LoginRequired(Exception):
    """No valid staff session: the route class redirects to the login page."""


class PasswordChangeRequired(Exception):
    """The director set this account's password: the route class sends it to 修改密码 first."""


class WebError(Exception):
    """A refusal shown as a Chinese page with this status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def today(session: Session) -> date:
    """The center's date (Beijing), on the clock its sessions carry."""
    return clock_of(session).today()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def get_staff(request: Request, session: SessionDep) -> StaffUser:
    token = request.cookies.get(COOKIE, "")
    with session.begin():
        user = session_user(session, token)
        several = user is not None and several_towns(session)
    if user is None:
        raise LoginRequired()
    # Every query of this request sees the user's town only; with one town that is everything, so a single-town
    # center's queries stay exactly those it ran before towns (services.town_scope).
    scope_session(session, user.town_id if several else None)
    if several and not user.is_county:
        with session.begin():  # the header names the staff member's own center, as the town's prints do
            request.state.brand = printed_center_name(session, "")
    request.state.staff = user
    request.state.several_towns = several  # the menu: with several towns only the county publishes what they share
    if user.must_change_password and request.url.path not in (PASSWORD_PATH, PREFIX + "/logout"):
        raise PasswordChangeRequired()
    return user


StaffDep = Annotated[StaffUser, Depends(get_staff)]


def parse_day(text: str) -> date | None:
    """A date typed in a filter (``YYYY-MM-DD``); empty or unreadable filters nothing."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def require_station_auditor(user: StaffDep) -> StaffUser:
    if not user.sees_station_audit:
        raise WebError(403, "只有中心主任和督查人员可以查看代办站个人信息审计")
    return user


StationAuditorDep = Annotated[StaffUser, Depends(require_station_auditor)]


def same_token(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes any text a client may send (compare_digest wants ASCII)."""
    return bool(given) and secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_csrf(user: StaffDep, csrf_token: Annotated[str, Form()] = "") -> StaffUser:
    """Every POST form carries the session's CSRF token."""
    if not same_token(csrf_token, user.csrf_token):
        raise WebError(403, "页面已过期或来源不明（CSRF校验失败），请刷新页面后重试")
    return user


CsrfDep = Annotated[StaffUser, Depends(check_csrf)]


def role_required(roles: Collection[str], message: str, *, form: bool = False) -> Any:
    """A dependency on the staff member, refused with ``message`` (403) unless their role is in ``roles``.

    ``form=True`` for a POST: its CSRF token is checked first. The role is checked before the route's
    own fields are read, so a refused role gets 403 whatever else it sent.
    """

    def check(user: StaffUser) -> StaffUser:
        if user.role not in roles:
            raise WebError(403, COUNTY_LOOKS_ONLY if user.is_county else message)
        return user

    def check_post(user: CsrfDep) -> StaffUser:
        return check(user)

    def check_get(user: StaffDep) -> StaffUser:
        return check(user)

    return Depends(check_post if form else check_get)


DIRECTOR_ONLY = "只有中心主任可以进行此操作"
#: What the county role is told where a town's staff act (it reads every town, acts in none: docs/operations.md).
COUNTY_LOOKS_ONLY = (
    "县级中心账号只能查看各镇的办件和考核，不能办理办件、查看完整个人信息或管理镇中心的设置，请由所在镇的工作人员办理"
)
DirectorDep = Annotated[StaffUser, role_required({DIRECTOR}, DIRECTOR_ONLY)]
DirectorPostDep = Annotated[StaffUser, role_required({DIRECTOR}, DIRECTOR_ONLY, form=True)]
#: Why a town's director may not publish what every town shares once the deployment serves several towns.
COUNTY_PUBLISHES = "本系统服务多个镇：事项清单、节假日日历和保存期限由县级中心统一发布，镇中心主任不能修改"


def _may_publish(user: StaffUser, session: Session) -> StaffUser:
    """The catalog, the calendar and the 保存期限 are every town's: the county publishes them, or the director of a
    deployment with one town (as before towns)."""
    if user.is_county:
        return user
    if user.role != DIRECTOR:
        raise WebError(403, DIRECTOR_ONLY)
    with session.begin():
        several = several_towns(session)
    if several:
        raise WebError(403, COUNTY_PUBLISHES)
    return user


def _publisher_get(user: StaffDep, session: SessionDep) -> StaffUser:
    return _may_publish(user, session)


def _publisher_post(user: CsrfDep, session: SessionDep) -> StaffUser:
    return _may_publish(user, session)


PublisherDep = Annotated[StaffUser, Depends(_publisher_get)]
PublisherPostDep = Annotated[StaffUser, Depends(_publisher_post)]
#: Why a one-town deployment has no 本镇事项 of their own: its director keeps the whole list.
ONE_TOWN_CATALOG = "本系统只服务一个镇：全部事项都在“事项清单”页维护，请由中心主任在该页编辑"


def _may_extend(user: StaffUser, session: Session) -> StaffUser:
    """A town's own 事项 (本镇事项) are its director's to publish, once the deployment serves several towns."""
    if user.role != DIRECTOR or user.town_id is None:
        raise WebError(403, COUNTY_LOOKS_ONLY if user.is_county else DIRECTOR_ONLY)
    with session.begin():
        several = several_towns(session)
    if not several:
        raise WebError(403, ONE_TOWN_CATALOG)
    return user


def _extender_get(user: StaffDep, session: SessionDep) -> StaffUser:
    return _may_extend(user, session)


def _extender_post(user: CsrfDep, session: SessionDep) -> StaffUser:
    return _may_extend(user, session)


TownPublisherDep = Annotated[StaffUser, Depends(_extender_get)]
TownPublisherPostDep = Annotated[StaffUser, Depends(_extender_post)]


def render(request: Request, name: str, status: int = 200, **context: object) -> Response:
    user = getattr(request.state, "staff", None)
    shared = {
        "several_towns": getattr(request.state, "several_towns", False),
        "brand": getattr(request.state, "brand", ""),
    }
    return templates.TemplateResponse(
        request, name, {"user": user, "prefix": PREFIX, **shared, **context}, status_code=status
    )


def open_pending_followups(session: Session) -> None:
    """Open the follow-ups of 差评 that arrived since the last look, in a transaction of its own.

    Two pages loaded at the same moment may both try (PostgreSQL, READ COMMITTED): the loser's
    unique-key violation only means the follow-ups exist now, so it is ignored.
    """
    try:
        with session.begin():
            open_followups(session, current_calendar(session))
    except IntegrityError:
        pass
