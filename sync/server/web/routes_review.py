"""考核与好差评: rates per station and clerk, the satisfaction chart, the 差评 follow-up ledger, Excel export."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from ..api.deps import SessionDep, SettingsDep
from ..services.dashboard import station_names
from ..services.errors import ServiceError
from ..services.evaluation import (
    FOLLOWUP_DAYS,
    SATISFACTION_TARGET,
    Evaluation,
    close_followup,
    evaluate,
    followups,
)
from ..services.export import evaluation_pdf, evaluation_report, evaluation_workbook
from ..services.staff import DECIDERS, audit
from .charts import satisfaction_bars
from .deps import PREFIX, CsrfDep, StaffDep, WebError, client_ip, open_pending_followups, render, today
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
PeriodQuery = Annotated[str, Query(max_length=10, description="2026-11、2026-Q4 或 2026")]


def _evaluation(session: SessionDep, period: str) -> Evaluation:
    try:
        return evaluate(session, period or f"{today(session):%Y-%m}", station_names(session))
    except ServiceError as exc:
        raise WebError(422, exc.message) from None


@router.get("/review", summary="考核与好差评")
def review_page(request: Request, session: SessionDep, user: StaffDep, period: PeriodQuery = "") -> Response:
    open_pending_followups(session)
    with session.begin():
        ev = _evaluation(session, period)
    chart = Markup(satisfaction_bars([(r.label, r.satisfaction) for r in ev.stations], SATISFACTION_TARGET))
    d = today(session)
    periods = [f"{d:%Y-%m}", f"{d.year}-Q{(d.month - 1) // 3 + 1}", f"{d.year}"]
    return render(request, "review.html", ev=ev, chart=chart, target=SATISFACTION_TARGET, periods=periods)


@router.get("/review.xlsx", summary="导出考核与差评台账（Excel）", response_class=Response)
def review_export(request: Request, session: SessionDep, user: StaffDep, period: PeriodQuery = "") -> Response:
    open_pending_followups(session)
    with session.begin():
        ev = _evaluation(session, period)
        data = evaluation_workbook(ev, followups(session), station_names(session))
        audit(session, user.username, "导出考核表", ev.label, ip=client_ip(request))
    name = quote(f"考核与差评台账-{ev.period}.xlsx")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/review.pdf", summary="导出考核统计表（PDF）", response_class=Response)
def review_pdf(
    request: Request, session: SessionDep, settings: SettingsDep, user: StaffDep, period: PeriodQuery = ""
) -> Response:
    """The same numbers as the page, printed by ``forms.review`` (bar chart, tables per station and clerk)."""
    with session.begin():
        ev = _evaluation(session, period)
        audit(session, user.username, "导出考核统计表PDF", ev.label, ip=client_ip(request))
    link = f"{request.url_for('review_page')}?period={quote(ev.period)}"
    report = evaluation_report(
        ev, center_name=settings.center_name, printed_by=user.name, printed_on=today(session), link=link
    )
    name = quote(f"考核统计表-{ev.period}.pdf")
    try:
        pdf = evaluation_pdf(report)
    except ServiceError as exc:
        raise WebError(422, exc.message) from None
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/followups", summary="差评回访整改台账")
def followups_page(request: Request, session: SessionDep, user: StaffDep) -> Response:
    open_pending_followups(session)
    with session.begin():
        rows = followups(session)
        names = station_names(session)
    return render(
        request,
        "followups.html",
        rows=rows,
        names=names,
        today=today(session).isoformat(),
        days=FOLLOWUP_DAYS,
        may_close=user.role in DECIDERS,
    )


@router.post("/followups/{case_id}/close", summary="登记回访整改结果")
def close_followup_route(
    request: Request,
    session: SessionDep,
    user: CsrfDep,
    case_id: str,
    outcome: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    if user.role not in DECIDERS:
        raise WebError(403, "督查人员只能查看，不能登记回访整改结果")
    try:
        with session.begin():
            row = close_followup(session, case_id, outcome, f"{user.name}（镇中心）", today(session))
            audit(session, user.username, "差评回访整改", row.case_no, outcome, client_ip(request))
    except ServiceError as exc:
        raise WebError(422, exc.message) from None
    return RedirectResponse(f"{PREFIX}/followups", status_code=303)
