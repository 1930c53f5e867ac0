"""登录 / 退出 / 修改密码."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from sync.protocol.models import ErrorCode

from ..api.deps import SessionDep, SettingsDep
from ..services.errors import ServiceError
from ..services.staff import audit, logout
from ..services.staff_login import LOGIN_FAILED, LOGIN_LOCKED, LockedOut, change_password, login, record_failed_login
from .deps import (
    COOKIE,
    LOGIN_CSRF_COOKIE,
    PASSWORD_PATH,
    PREFIX,
    SESSION_MAX_AGE,
    CsrfDep,
    StaffDep,
    check_csrf,
    client_ip,
    render,
    same_token,
)
from .refusals import refusal_shown
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)


def _safe_next(target: str) -> str:
    return target if target.startswith(PREFIX + "/") and not target.startswith("//") else PREFIX + "/"


def _login_page(request: Request, next_url: str, message: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status, login_csrf=token, next_url=_safe_next(next_url), message=message)
    secure = request.url.scheme == "https"  # behind an https proxy too (DAIBANTONG_TRUSTED_PROXIES)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure, path=PREFIX)
    return response


@router.get("/login", summary="登录页")
def login_page(request: Request, next: str = PREFIX + "/") -> Response:
    return _login_page(request, next)


@router.post("/login", summary="登录")
def do_login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = PREFIX + "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not same_token(csrf_token, expected):
        return _login_page(request, next, "登录页面已过期，请重新输入", status=403)
    name, ip = username.strip()[:64], client_ip(request)
    try:
        with session.begin():
            token, staff = login(session, username, password, settings.login_limits)
            audit(session, staff.username, "登录", ip=ip)
            must_change = staff.must_change_password
    except LockedOut as exc:
        with session.begin():
            audit(session, name, LOGIN_LOCKED, ip=ip)
        return _login_page(request, next, exc.message, status=429)
    except ServiceError as exc:
        if exc.code != ErrorCode.UNAUTHORIZED:  # a deactivated account, with the right password
            with session.begin():
                audit(session, name, "登录被拒（账号已停用）", ip=ip)
            return _login_page(request, next, exc.message, status=403)
        with session.begin():
            audit(session, name, LOGIN_FAILED, ip=ip)
            until = record_failed_login(session, name, settings.login_limits)
            if until is not None:
                audit(session, name, "账号锁定", name, f"连续{settings.login_limits.max_failures}次密码错误", ip)
        if until is not None:
            return _login_page(request, next, LockedOut(until, until - settings.login_limits.lock_time).message, 429)
        return _login_page(request, next, exc.message, status=401)
    response = RedirectResponse(PASSWORD_PATH if must_change else _safe_next(next), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, token, max_age=SESSION_MAX_AGE, httponly=True, samesite="lax", secure=secure, path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout", summary="退出登录")
def do_logout(
    request: Request, session: SessionDep, user: StaffDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with session.begin():
        logout(session, request.cookies.get(COOKIE, ""))
        audit(session, user.username, "退出登录", ip=client_ip(request))
    response = RedirectResponse(PREFIX + "/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/password", summary="修改本人密码")
def password_page(request: Request, user: StaffDep, done: str = "") -> Response:
    return render(request, "password.html", done=bool(done))


@router.post("/password", summary="修改本人密码")
def do_change_password(
    request: Request,
    session: SessionDep,
    user: CsrfDep,
    old_password: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    again: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    refused = refusal_shown(
        lambda exc: render(request, "password.html", 422, message=exc.message, field=exc.field, done=False)
    )
    with refused, session.begin():
        change_password(session, user.id, old_password, password, again, request.cookies.get(COOKIE, ""))
        audit(session, user.username, "修改密码", user.username, ip=client_ip(request))
    # after the first login's forced change, straight on to work
    return RedirectResponse(PREFIX + "/" if user.must_change_password else PASSWORD_PATH + "?done=1", status_code=303)
