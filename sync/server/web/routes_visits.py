"""收件回执 / 退件清单: a station's visit to the window on one day, with its two printable lists (主任 and 窗口)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from ..api.deps import SessionDep, SettingsDep
from ..core.db import clock_of
from ..services.staff import DECIDERS, StaffUser, audit
from ..services.town_admin import printed_center_name
from ..services.visit_receipts import station_choices, visit, visit_pdf, visit_record
from .deps import WebError, client_ip, render, role_required, today
from .refusals import refusal_as_error
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
StationQuery = Annotated[str, Query(max_length=64, description="代办站")]
DayQuery = Annotated[str, Query(max_length=10, description="交接日期 YYYY-MM-DD，默认今天")]
KINDS = {"receipt": ("收件回执", False), "return": ("退件清单", True)}
WindowDep = Annotated[StaffUser, role_required(DECIDERS, "督查人员只能查看，不能打印收件回执或退件清单")]


def _day(session: SessionDep, text: str) -> date:
    if not text:
        return today(session)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WebError(422, "日期格式应为 YYYY-MM-DD") from None


@router.get("/visits", summary="收件回执与退件清单")
def visits_page(
    request: Request, session: SessionDep, user: WindowDep, station: StationQuery = "", day: DayQuery = ""
) -> Response:
    when = _day(session, day)
    with session.begin():
        stations = station_choices(session)
        chosen = station or (stations[0].id if stations else "")
        with refusal_as_error(404):
            found = visit(session, chosen, when, today(session)) if chosen else None
    return render(request, "visits.html", stations=stations, station=chosen, day=when.isoformat(), visit=found)


@router.get("/visits/{kind}.pdf", summary="打印收件回执或退件清单（PDF）", response_class=Response)
def visit_print(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: WindowDep,
    kind: str,
    station: StationQuery = "",
    day: DayQuery = "",
) -> Response:
    if kind not in KINDS:
        raise WebError(404, "没有这种清单")
    label, returning = KINDS[kind]
    when = _day(session, day)
    with session.begin():
        with refusal_as_error(404):
            found = visit(session, station, when, today(session))
        lines = found.returned if returning else found.delivered
        if not lines:
            raise WebError(404, f"{found.station_name}{when:%Y年%m月%d日}没有可打印{label}的交接记录")
        record = visit_record(
            found,
            returning=returning,
            center_name=printed_center_name(session, settings.center_name),
            staff_name=user.name,
            printed_at=clock_of(session).local_now().replace(tzinfo=None),
        )
        with refusal_as_error(422):
            pdf = visit_pdf(record)
        audit(
            session,
            user.username,
            f"打印{label}",
            f"{found.station_name}（{found.station_code}）{when.isoformat()}",
            "、".join(line.case_no for line in lines),
            client_ip(request),
        )
    name = quote(f"{label}-{found.station_code}-{when:%Y%m%d}.pdf")
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )
