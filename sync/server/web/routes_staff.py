"""工作人员账号 (director only): list, create with a role, deactivate and reactivate, reset a password,
lift a lock after wrong passwords. Every action is written to the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from sync.protocol.models import ErrorCode

from ..api.deps import SessionDep
from ..core.staff_models import StaffRow
from ..services.errors import ServiceError
from ..services.staff import DIRECTOR, ROLE_LABELS, TOWN_ROLES, StaffUser, audit, create_staff, deactivate_staff
from ..services.staff_login import activate_staff, list_accounts, reset_password, unlock_staff
from .deps import PREFIX, DirectorDep, client_ip, render, role_required
from .refusals import refusal_shown
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
StaffAdminPost = Annotated[StaffUser, role_required({DIRECTOR}, "只有中心主任可以管理工作人员账号", form=True)]


def _page(request: Request, session: SessionDep, message: str = "", status: int = 200, **shown: object) -> Response:
    with session.begin():
        rows = list_accounts(session)
    roles = {role: ROLE_LABELS[role] for role in TOWN_ROLES}
    response = render(request, "staff.html", status, rows=rows, roles=roles, message=message, **shown)
    response.headers["Cache-Control"] = "no-store"  # a one-time password may be on it
    return response


def _refused(request: Request, session: SessionDep) -> Callable[[ServiceError], Response]:
    """The page again with the refusal's message (422)."""
    return lambda exc: _page(request, session, exc.message, 422)


#: What the page confirms after a POST (``?done=``).
DONE = {
    "created": "已新建账号，本人首次登录后须修改初始密码。",
    "deactivated": "已停用账号，它的登录已全部退出。",
    "activated": "已重新启用账号，可用原密码登录。",
    "unlocked": "已解除锁定，该账号现在可以登录。",
}


def _done(what: str) -> Response:
    return RedirectResponse(f"{PREFIX}/staff?done={what}", status_code=303)


@router.get("/staff", summary="工作人员账号（主任）")
def staff_page(request: Request, session: SessionDep, user: DirectorDep, done: str = "") -> Response:
    return _page(request, session, done=DONE.get(done, ""))


@router.post("/staff", summary="新建工作人员账号（主任）")
def staff_create(
    request: Request,
    session: SessionDep,
    user: StaffAdminPost,
    username: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    with refusal_shown(_refused(request, session)), session.begin():
        if role not in TOWN_ROLES:  # a county account is made on the county's towns page, not by a town
            raise ServiceError(ErrorCode.INVALID_REQUEST, "角色应为主任、窗口或督查", field="role")
        create_staff(session, username, name, role, password, must_change=True, town_id=user.town_id)
        audit(session, user.username, "新建账号", username, ROLE_LABELS.get(role, role), client_ip(request))
    return _done("created")


def _account_action(
    request: Request, session: SessionDep, user: StaffUser, act: Callable[[Session], StaffRow], action: str, done: str
) -> Response:
    """One change to an account, audited as ``action`` in the same transaction; then the page says ``done``."""
    with refusal_shown(_refused(request, session)), session.begin():
        row = act(session)
        audit(session, user.username, action, row.username, ip=client_ip(request))
    return _done(done)


@router.post("/staff/{staff_id}/deactivate", summary="停用工作人员账号（主任）")
def staff_deactivate(request: Request, session: SessionDep, user: StaffAdminPost, staff_id: int) -> Response:
    return _account_action(
        request, session, user, lambda s: deactivate_staff(s, staff_id, user.username), "停用账号", "deactivated"
    )


@router.post("/staff/{staff_id}/activate", summary="重新启用工作人员账号（主任）")
def staff_activate(request: Request, session: SessionDep, user: StaffAdminPost, staff_id: int) -> Response:
    return _account_action(
        request, session, user, lambda s: activate_staff(s, staff_id, user.username), "启用账号", "activated"
    )


@router.post("/staff/{staff_id}/unlock", summary="解除账号锁定（主任）")
def staff_unlock(request: Request, session: SessionDep, user: StaffAdminPost, staff_id: int) -> Response:
    return _account_action(request, session, user, lambda s: unlock_staff(s, staff_id), "解除锁定", "unlocked")


@router.post("/staff/{staff_id}/reset", summary="重置工作人员密码（主任）")
def staff_reset(request: Request, session: SessionDep, user: StaffAdminPost, staff_id: int) -> Response:
    """Shows the one-time password on this answer only (the table keeps its hash)."""
    with refusal_shown(_refused(request, session)), session.begin():
        row, password = reset_password(session, staff_id, user.username)
        audit(session, user.username, "重置密码", row.username, "临时密码，须在下次登录时修改", client_ip(request))
    return _page(request, session, reset_for=f"{row.name}（{row.username}）", one_time_password=password)
