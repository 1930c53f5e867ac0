"""登录 / 退出."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from sync.protocol.models import ErrorCode

from ..api.deps import SessionDep
from ..services.errors import ServiceError
from ..services.staff import LOGIN_FAILED, audit, login, logout
from .deps import (
    COOKIE,
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_MAX_AGE,
    StaffDep,
    check_csrf,
    client_ip,
    render,
    same_token,
)
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)


def _safe_next(target: str) -> str:
    return target if target.startswith(PREFIX + "/") and not target.startswith("//") else PREFIX + "/"


def _login_page(request: Request, next_url: str, message: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status, login_csrf=token, next_url=_safe_next(next_url), message=message)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", path=PREFIX)
    return response


@router.get("/login", summary="登录页")
def login_page(request: Request, next: str = PREFIX + "/") -> Response:
    return _login_page(request, next)


@router.post("/login", summary="登录")
def do_login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = PREFIX + "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not same_token(csrf_token, expected):
        return _login_page(request, next, "登录页面已过期，请重新输入", status=403)
    try:
        with session.begin():
            token, staff = login(session, username, password)
            audit(session, staff.username, "登录", ip=client_ip(request))
    except ServiceError as exc:
        with session.begin():
            audit(session, username.strip()[:64], LOGIN_FAILED, ip=client_ip(request))
        return _login_page(request, next, exc.message, status=401 if exc.code == ErrorCode.UNAUTHORIZED else 429)
    response = RedirectResponse(_safe_next(next), status_code=303)
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
