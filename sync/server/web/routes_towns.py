"""各镇 (the county role only): the towns this deployment serves, a new town, a town renamed, and each town's
first 主任 account (who then makes the town's other accounts on 工作人员账号)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from ..api.deps import SessionDep
from ..services.staff import COUNTY, DIRECTOR, StaffUser, audit, create_staff
from ..services.towns import create_town, rename_town, town_lines
from .deps import PREFIX, client_ip, render, role_required
from .refusals import refusal_shown
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
COUNTY_ONLY = "只有县级中心可以管理各镇（镇中心主任在“工作人员”页管理本镇的账号）"
CountyDep = Annotated[StaffUser, role_required({COUNTY}, COUNTY_ONLY)]
CountyPost = Annotated[StaffUser, role_required({COUNTY}, COUNTY_ONLY, form=True)]
Name = Annotated[str, Form(max_length=200)]
#: A town's number in the path (an integer column: a larger number is no town, not a database error).
TownId = Annotated[int, Path(ge=1, le=2**31 - 1)]

#: What the page confirms after a POST (``?done=``).
DONE = {
    "created": "已新建镇。请为它新建主任账号，由主任签发本镇代办站的登记码。",
    "renamed": "已修改镇名称。",
    "director": "已新建主任账号，本人首次登录后须修改初始密码。",
}


def _page(request: Request, session: SessionDep, message: str = "", status: int = 200, done: str = "") -> Response:
    with session.begin():
        towns = town_lines(session)
    response = render(request, "towns.html", status, towns=towns, message=message, done=done)
    response.headers["Cache-Control"] = "no-store"
    return response


def _done(what: str) -> Response:
    return RedirectResponse(f"{PREFIX}/towns?done={what}", status_code=303)


@router.get("/towns", summary="各镇（县级中心）")
def towns_page(request: Request, session: SessionDep, user: CountyDep, done: str = "") -> Response:
    return _page(request, session, done=DONE.get(done, ""))


@router.post("/towns", summary="新建镇（县级中心）")
def town_create(request: Request, session: SessionDep, user: CountyPost, name: Name = "") -> Response:
    with refusal_shown(lambda exc: _page(request, session, exc.message, 422)), session.begin():
        row = create_town(session, name)
        audit(session, user.username, "新建镇", row.name, ip=client_ip(request))
    return _done("created")


@router.post("/towns/{town_id}/rename", summary="修改镇名称（县级中心）")
def town_rename(request: Request, session: SessionDep, user: CountyPost, town_id: TownId, name: Name = "") -> Response:
    with refusal_shown(lambda exc: _page(request, session, exc.message, 422)), session.begin():
        row = rename_town(session, town_id, name)
        audit(session, user.username, "修改镇名称", row.name, ip=client_ip(request))
    return _done("renamed")


@router.post("/towns/{town_id}/director", summary="为镇新建主任账号（县级中心）")
def town_director(
    request: Request,
    session: SessionDep,
    user: CountyPost,
    town_id: TownId,
    username: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    with refusal_shown(lambda exc: _page(request, session, exc.message, 422)), session.begin():
        create_staff(session, username, name, DIRECTOR, password, must_change=True, town_id=town_id)
        audit(session, user.username, "新建镇主任账号", username, str(town_id), client_ip(request))
    return _done("director")
