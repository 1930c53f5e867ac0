"""Director pages: publish the 事项清单 and the holiday calendar, enroll and revoke stations, the audit log."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from sync.domain.catalog import Catalog
from sync.protocol.transfer import key_fingerprint

from ..api.deps import SessionDep, SettingsDep
from ..core.config import Settings
from ..core.models import DEFAULT_TOWN_ID
from ..core.signing import center_public_key, signing_key_path
from ..services.catalog_admin import KIND_LABELS, publish, versions
from ..services.enrollment import issue_code, revoke_station
from ..services.errors import ServiceError
from ..services.reference_docs import current_document
from ..services.releases import latest_releases
from ..services.signing_keys import confirm_station_key
from ..services.staff import DIRECTOR, audit, audit_page
from ..services.station_status import StationOverview, stations_overview
from ..services.towns import town_names
from .deps import PREFIX, DirectorDep, DirectorPostDep, PublisherDep, PublisherPostDep, StaffDep, client_ip, render
from .refusals import refusal_as_error, refusal_shown
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
Kind = Literal["catalog", "calendar"]


def _publish_page(
    request: Request,
    session: SessionDep,
    kind: Kind,
    text: str | None = None,
    message: str = "",
    status: int = 200,
    done: str = "",
) -> Response:
    with session.begin():
        if text is None:
            text = json.dumps(current_document(session, kind), ensure_ascii=False, indent=2)
        history = versions(session, kind)
        items = Catalog.from_dict(current_document(session, kind)).items if kind == "catalog" else ()
    return render(
        request,
        "publish.html",
        status,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        text=text,
        history=history,
        items=items,
        message=message,
        done=done,
    )


@router.get("/publish/{kind}", summary="编辑事项清单或节假日日历（主任）")
def publish_page(request: Request, session: SessionDep, user: PublisherDep, kind: Kind, done: str = "") -> Response:
    return _publish_page(request, session, kind, done=done)


@router.post("/publish/{kind}", summary="发布事项清单或节假日日历（主任）")
def publish_document(
    request: Request,
    session: SessionDep,
    user: PublisherPostDep,
    kind: Kind,
    document: Annotated[str, Form(max_length=2_000_000)] = "",
) -> Response:
    refused = refusal_shown(lambda exc: _publish_page(request, session, kind, document, exc.message, 422))
    with refused, session.begin():
        row, sent = publish(session, kind, document, f"{user.name}（镇中心主任）")
        audit(
            session,
            user.username,
            f"发布{KIND_LABELS[kind]}",
            f"版本{row.version}",
            f"发往{sent}个代办站",
            client_ip(request),
        )
    return RedirectResponse(f"{PREFIX}/publish/{kind}?done={row.version}", status_code=303)


def _center_fingerprint(settings: Settings) -> str:
    """The fingerprint of the center's signing key, read by phone to a USB-only station's clerk to confirm it."""
    return key_fingerprint(center_public_key(signing_key_path(settings)))


def _stations(session: SessionDep, settings: SettingsDep) -> list[StationOverview]:
    with session.begin():
        return stations_overview(
            session,
            stale_days=settings.stale_days,
            current_app_version=settings.current_app_version,
            min_protocol_version=settings.min_protocol_version,
        )


@router.get("/stations", summary="代办站管理")
def stations_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: StaffDep,
    key_done: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    rows = _stations(session, settings)
    with session.begin():
        releases = latest_releases(session)
        # the county sees every town's stations: each row names its town
        towns = town_names(session) if user.is_county and request.state.several_towns else {}
    done = next((f"{s.name}（{s.code}）" for s in rows if s.id == key_done and s.signing_key_at), "")
    return render(
        request,
        "stations.html",
        rows=rows,
        code="",
        message="",
        done=f"指纹核对一致，已登记{done}的签名密钥：今后只导入该站用此密钥签名的U盘文件" if done else "",
        may_manage=user.role == DIRECTOR,
        settings=settings,
        center_fingerprint=_center_fingerprint(settings),
        releases=releases,
        towns=towns,
    )


@router.post("/stations/code", summary="签发登记码（主任）")
def station_code(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: DirectorPostDep,
    station_code: Annotated[str, Form(max_length=32)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    def page(code: str = "", message: str = "", status: int = 200) -> Response:
        response = render(
            request,
            "stations.html",
            status,
            rows=_stations(session, settings),
            code=code,
            code_for=f"{name}（{station_code}）",
            message=message,
            may_manage=True,
            days=settings.enrollment_code_days,
            settings=settings,
            center_fingerprint=_center_fingerprint(settings),
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    with refusal_shown(lambda exc: page(message=exc.message, status=422)), session.begin():
        town = user.town_id if user.town_id is not None else DEFAULT_TOWN_ID
        code = issue_code(session, station_code, name, valid_days=settings.enrollment_code_days, town_id=town)
        audit(session, user.username, "签发登记码", station_code, name, client_ip(request))
    return page(code)


@router.post("/stations/{station_id}/signing-key", summary="核对指纹，登记U盘文件带来的签名密钥（主任）")
def station_key_confirm(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: DirectorPostDep,
    station_id: str,
    fingerprint: Annotated[str, Form(max_length=100)] = "",
    shown: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """The fingerprint typed as the clerk reads it from the station's 代办站设置: on a match the pending key
    becomes the station's (from then on only files it signed are imported); else nothing changes."""

    def refused(exc: ServiceError) -> Response:
        with session.begin():  # the refused attempt is audited too (its own transaction: the work was rolled back)
            audit(session, user.username, "核对签名密钥指纹（不符）", station_id, exc.message, client_ip(request))
        return render(
            request,
            "stations.html",
            422,
            rows=_stations(session, settings),
            code="",
            message=exc.message,
            key_station=station_id,
            may_manage=True,
            settings=settings,
            center_fingerprint=_center_fingerprint(settings),
        )

    with refusal_shown(refused), session.begin():
        station = confirm_station_key(session, station_id, fingerprint, shown)
        audit(session, user.username, "登记代办站签名密钥（指纹已核对）", station.code, shown, client_ip(request))
    return RedirectResponse(f"{PREFIX}/stations?key_done={station_id}", status_code=303)


@router.post("/stations/{station_id}/revoke", summary="停用代办站（主任）")
def station_revoke(
    request: Request,
    session: SessionDep,
    user: DirectorPostDep,
    station_id: str,
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    with refusal_as_error(404), session.begin():
        revoke_station(session, station_id, reason)
        audit(session, user.username, "停用代办站", station_id, reason, client_ip(request))
    return RedirectResponse(f"{PREFIX}/stations", status_code=303)


@router.get("/audit", summary="操作日志（主任）")
def audit_log(
    request: Request, session: SessionDep, user: DirectorDep, page: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> Response:
    with session.begin():
        rows = audit_page(session, 200, (page - 1) * 200)
    return render(request, "audit.html", rows=rows, page=page)
