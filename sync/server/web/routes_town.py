"""本镇信息 page of the 主任: the center's name, address, phones and public case address, published to
every station for the forms it prints (QR codes, 咨询电话, 监督电话)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from ..api.deps import SessionDep, SettingsDep
from ..services.staff import audit
from ..services.town_admin import current_town, history, publish_town
from .deps import PREFIX, DirectorDep, DirectorPostDep, client_ip, render
from .refusals import refusal_shown
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)

FIELDS = ("center_name", "center_address", "consult_phone", "supervise_phone", "case_url_base")
Text = Annotated[str, Form(max_length=400)]


def _page(
    request: Request,
    session: SessionDep,
    default_name: str,
    values: dict[str, str] | None = None,
    message: str = "",
    field: str = "",
    status: int = 200,
    done: bool = False,
) -> Response:
    with session.begin():
        info = current_town(session, default_name)
        rows = history(session)
    shown = values if values is not None else {key: str(getattr(info, key)) for key in FIELDS}
    return render(
        request, "town.html", status, info=info, values=shown, history=rows, message=message, field=field, done=done
    )


@router.get("/town", summary="本镇信息（主任）")
def town_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: DirectorDep, done: str = ""
) -> Response:
    return _page(request, session, settings.center_name, done=bool(done))


@router.post("/town", summary="发布本镇信息（主任）")
def town_publish(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: DirectorPostDep,
    center_name: Text = "",
    center_address: Text = "",
    consult_phone: Text = "",
    supervise_phone: Text = "",
    case_url_base: Text = "",
) -> Response:
    values = {
        "center_name": center_name,
        "center_address": center_address,
        "consult_phone": consult_phone,
        "supervise_phone": supervise_phone,
        "case_url_base": case_url_base,
    }
    refused = refusal_shown(
        lambda exc: _page(request, session, settings.center_name, values, exc.message, exc.field or "", 422)
    )
    with refused, session.begin():
        info, sent = publish_town(session, values, f"{user.name}（镇中心主任）")
        audit(session, user.username, "发布本镇信息", info.center_name, f"发往{sent}个代办站", client_ip(request))
    return RedirectResponse(f"{PREFIX}/town?done=1", status_code=303)
