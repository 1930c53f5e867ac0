"""代办站个人信息审计 (主任, 督查): which clerk, at which station, saw a full 身份证 number or exported
or printed personal data, when and why — from the stations' synced audit events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from sync.domain.audit_events import AUDIT_KIND_LABELS

from ..api.deps import SessionDep
from ..services.station_audit import StationAuditFilter, station_audit
from .deps import StationAuditorDep, parse_day, render
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)


@router.get("/station-audit", summary="代办站个人信息审计（主任、督查）")
def station_audit_page(
    request: Request,
    session: SessionDep,
    user: StationAuditorDep,
    station: Annotated[str, Query(max_length=64)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    start, end = parse_day(date_from), parse_day(date_to)
    flt = StationAuditFilter(station, kind if kind in AUDIT_KIND_LABELS else "", start, end, page)
    with session.begin():
        result = station_audit(session, flt)
    query = {
        "station": flt.station_id,
        "kind": flt.kind,
        "date_from": start.isoformat() if start else "",
        "date_to": end.isoformat() if end else "",
    }
    return render(request, "station_audit.html", result=result, flt=flt, query=query, kinds=AUDIT_KIND_LABELS)
