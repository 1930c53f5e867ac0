"""工作人员账号 (director only): list, create with a role, deactivate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from ..api.deps import SessionDep
from ..services.errors import ServiceError
from ..services.staff import DIRECTOR, ROLE_LABELS, StaffUser, audit, create_staff, deactivate_staff, list_staff
from .deps import PREFIX, CsrfDep, DirectorDep, WebError, client_ip, render
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)


def _page(request: Request, session: SessionDep, message: str = "", status: int = 200) -> Response:
    with session.begin():
        rows = list_staff(session)
    return render(request, "staff.html", status, rows=rows, roles=ROLE_LABELS, message=message)


def _director(user: StaffUser) -> None:
    if user.role != DIRECTOR:
        raise WebError(403, "只有中心主任可以管理工作人员账号")


@router.get("/staff", summary="工作人员账号（主任）")
def staff_page(request: Request, session: SessionDep, user: DirectorDep) -> Response:
    return _page(request, session)


@router.post("/staff", summary="新建工作人员账号（主任）")
def staff_create(
    request: Request,
    session: SessionDep,
    user: CsrfDep,
    username: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    _director(user)
    try:
        with session.begin():
            create_staff(session, username, name, role, password)
            audit(session, user.username, "新建账号", username, ROLE_LABELS.get(role, role), client_ip(request))
    except ServiceError as exc:
        return _page(request, session, exc.message, 422)
    return RedirectResponse(f"{PREFIX}/staff", status_code=303)


@router.post("/staff/{staff_id}/deactivate", summary="停用工作人员账号（主任）")
def staff_deactivate(request: Request, session: SessionDep, user: CsrfDep, staff_id: int) -> Response:
    _director(user)
    try:
        with session.begin():
            row = deactivate_staff(session, staff_id, user.username)
            audit(session, user.username, "停用账号", row.username, ip=client_ip(request))
    except ServiceError as exc:
        return _page(request, session, exc.message, 422)
    return RedirectResponse(f"{PREFIX}/staff", status_code=303)
