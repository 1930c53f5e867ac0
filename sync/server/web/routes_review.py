"""考核与好差评: rates per station and clerk, the satisfaction chart, the 差评 follow-up ledger, Excel export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from sync.protocol.models import ErrorCode

from ..api.deps import SessionDep, SettingsDep
from ..services.dashboard import station_names
from ..services.evaluation import (
    FOLLOWUP_DAYS,
    SATISFACTION_TARGET,
    SORT_KEYS,
    Evaluation,
    Rates,
    close_followup,
    evaluate,
    followup_page,
    followups,
    monthly_trend,
    natural_key,
    sort_rates,
    town_rates,
)
from ..services.export import evaluation_pdf, evaluation_report, evaluation_workbook
from ..services.followup_print import followup_pdf, followup_record
from ..services.staff import DECIDERS, StaffUser, audit
from ..services.town_admin import printed_center_name
from ..services.town_scope import scope_session
from ..services.towns import station_towns, town_names
from .charts import satisfaction_bars, trend_lines
from .deps import PREFIX, StaffDep, WebError, client_ip, open_pending_followups, render, role_required, today
from .refusals import refusal_as_error
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
FollowupPrinter = Annotated[StaffUser, role_required(DECIDERS, "督查人员只能查看，不能打印差评回访整改反馈单")]
FollowupClosePost = Annotated[StaffUser, role_required(DECIDERS, "督查人员只能查看，不能登记回访整改结果", form=True)]
PeriodQuery = Annotated[str, Query(max_length=10, description="2026-11、2026-Q4 或 2026")]
SortQuery = Annotated[str, Query(max_length=20, description="排序列：" + "、".join(SORT_KEYS))]
OrderQuery = Annotated[str, Query(max_length=4, pattern="^(asc|desc)?$", description="asc 升序，desc 降序")]


TownQuery = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="县级中心：只看这个镇（镇的编号）")]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="第几页（每页50行）")]


def _evaluation(session: SessionDep, period: str, names: dict[str, str] | None = None) -> Evaluation:
    """The period's review, its stations (and its clerks' stations) called by ``names`` (by default their own)."""
    with refusal_as_error(422):
        return evaluate(
            session, period or f"{today(session):%Y-%m}", station_names(session) if names is None else names
        )


def _scoped_evaluation(session: SessionDep, user: StaffUser, period: str, town: int | None) -> tuple[Evaluation, str]:
    """The period's review as ``user`` reads it, inside the caller's transaction, and the name of the town the
    county drilled into ("" otherwise). The page and both exports read it here, so they show the same numbers.

    The county role sees the towns compared (``town_rates``; its stations and clerks named with their town, since
    two towns may each have a 新村); with ``town``, that town's stations and clerks, read through the town's scope
    as its own staff read them. A town's staff are never given ``town``: their scope is their town."""
    towns = town_names(session) if user.is_county else {}
    town_name = ""
    if user.is_county and town is not None:
        if town not in towns:
            raise WebError(404, "没有这个镇")
        town_name = towns[town]
        scope_session(session, town)  # the drill-down: from here on the request sees that town only
    if user.is_county and town is None:
        where = station_towns(session)
        names = {
            sid: f"{towns[where[sid]]} · {name}" if where.get(sid) in towns else name
            for sid, name in station_names(session).items()
        }
        ev = _evaluation(session, period, names)  # a station, and a clerk with it, named with the town
        ev.towns = town_rates(ev.stations, where, towns)
        ev.total.label = "全县合计"
        return ev, town_name
    ev = _evaluation(session, period)
    if town_name:
        ev.total.label = f"{town_name}合计"
    return ev, town_name


@router.get("/review", summary="考核与好差评")
def review_page(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    period: PeriodQuery = "",
    sort: SortQuery = "name",
    order: OrderQuery = "",
    town: TownQuery = None,
    page: PageQuery = 1,
    cpage: PageQuery = 1,
) -> Response:
    """The rates of a period; the tables sort by any column (``sort``, ``order``), names as people read them,
    ``REVIEW_PAGE`` rows a page (``page`` the stations', ``cpage`` the clerks'; a county-year has 600 and 1,200).
    The county sees its towns compared, each a link to that town's review (``_scoped_evaluation``)."""
    open_pending_followups(session)
    with session.begin():
        ev, town_name = _scoped_evaluation(session, user, period, town)
    descending = None if not order else order == "desc"
    ev.stations = sort_rates(ev.stations, sort, descending)
    ev.clerks = sort_rates(ev.clerks, sort, descending)
    ev.towns = sort_rates(ev.towns, sort, descending)
    shown = ev.towns if ev.towns else ev.stations
    chart = Markup(satisfaction_bars([(r.label, r.satisfaction) for r in shown], SATISFACTION_TARGET))
    stations, clerks = RowPage.of(ev.stations, page), RowPage.of(ev.clerks, cpage)
    d = today(session)
    periods = [f"{d:%Y-%m}", f"{d.year}-Q{(d.month - 1) // 3 + 1}", f"{d.year}"]
    return render(
        request,
        "review.html",
        ev=ev,
        chart=chart,
        target=SATISFACTION_TARGET,
        periods=periods,
        headers=_headers(sort, descending),
        county=user.is_county,
        town=town if town_name else None,
        town_name=town_name,
        stations=stations,
        clerks=clerks,
        sort=sort,
        order=order,
    )


#: Rows a page of the review's tables and of the trend's (a county's 600 stations' 14,400 monthly figures took
#: longer to lay out than to count).
REVIEW_PAGE = 50


@dataclass(frozen=True)
class RowPage:
    """One page of a table's rows (1-based ``page``, clamped to the last one), and how many there are."""

    rows: list[Any]
    page: int
    pages: int
    total: int
    size: int = REVIEW_PAGE

    @classmethod
    def of(cls, rows: list[Any], page: int) -> RowPage:
        pages = max(1, -(-len(rows) // REVIEW_PAGE))
        page = min(page, pages)
        return cls(rows[(page - 1) * REVIEW_PAGE : page * REVIEW_PAGE], page, pages, len(rows))


def _file_scope(ev: Evaluation, town_name: str) -> str:
    """What a county's export file is of, in its name: 全县-, 青溪镇-; nothing for a town's own."""
    return f"{town_name}-" if town_name else ("全县-" if ev.towns else "")


def _headers(sort: str, descending: bool | None) -> list[dict[str, str]]:
    """Each column's header: its sort link (the other direction when it is the current one) and arrow."""
    current = sort if sort in SORT_KEYS else "name"
    out = []
    for key, label in SORT_KEYS.items():
        down = (key != "name") if descending is None else descending  # names A→Z, numbers largest first
        here = key == current
        shown_down = down if here else key != "name"
        out.append(
            {
                "key": key,
                "label": label,
                "order": ("asc" if shown_down else "desc") if here else ("desc" if key != "name" else "asc"),
                "arrow": ("▼" if shown_down else "▲") if here else "",
                "aria": "descending" if shown_down else "ascending",
            }
        )
    return out


@router.get("/review/trend", summary="满意率与按时办结率月度趋势")
def review_trend(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    station: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int | None, Query(ge=1, le=100_000, description="第几页（每页50个代办站）")] = None,
) -> Response:
    """The last 12 months: the town's (or one station's) 满意率 and 按时办结率 as lines, and the stations' rates
    month by month in two tables, ``REVIEW_PAGE`` stations a page in name order; a station chosen without a
    page opens the page that holds its row."""
    with session.begin():
        names = station_names(session)
        if station and station not in names:
            raise WebError(404, "没有这个代办站")
        ordered = sorted(names.items(), key=lambda item: natural_key(item[1]))
        if page is None:
            at = [station_id for station_id, _name in ordered].index(station) if station else 0
            page = at // REVIEW_PAGE + 1
        listed = RowPage.of(ordered, page)
        wanted = {station_id for station_id, _name in listed.rows} | ({station} if station else set())
        months = monthly_trend(session, today(session), names, stations=wanted)

    shown: list[Rates | None] = [m.stations.get(station) if station else m.total for m in months]
    series = [
        ("满意率", [r.satisfaction if r else None for r in shown], "line-satisfaction"),
        ("承诺件按时办结率", [r.on_time_rate if r else None for r in shown], "line-on-time"),
    ]
    chart = Markup(trend_lines([m.month for m in months], series, SATISFACTION_TARGET))
    return render(
        request,
        "review_trend.html",
        months=months,
        chart=chart,
        choices=ordered,
        listed=listed,
        station=station,
        station_name=names.get(station, "全镇合计"),
        target=SATISFACTION_TARGET,
    )


@router.get("/review.xlsx", summary="导出考核与差评台账（Excel）", response_class=Response)
def review_export(
    request: Request, session: SessionDep, user: StaffDep, period: PeriodQuery = "", town: TownQuery = None
) -> Response:
    """The page's numbers (the county's: per town, and each station named with its town) and the 差评 ledger
    of what the reader sees."""
    open_pending_followups(session)
    with session.begin():
        ev, town_name = _scoped_evaluation(session, user, period, town)
        data = evaluation_workbook(ev, followups(session), station_names(session))
        audit(session, user.username, "导出考核表", f"{town_name}{ev.label}", ip=client_ip(request))
    name = quote(f"考核与差评台账-{_file_scope(ev, town_name)}{ev.period}.xlsx")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/review.pdf", summary="导出考核统计表（PDF）", response_class=Response)
def review_pdf(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: StaffDep,
    period: PeriodQuery = "",
    town: TownQuery = None,
) -> Response:
    """The same numbers as the page, printed by ``forms.review`` (bar chart, tables per station and clerk; the
    county's per town)."""
    with session.begin():
        ev, town_name = _scoped_evaluation(session, user, period, town)
        center_name = printed_center_name(session, settings.center_name)
        audit(session, user.username, "导出考核统计表PDF", f"{town_name}{ev.label}", ip=client_ip(request))
    link = f"{request.url_for('review_page')}?period={quote(ev.period)}" + (f"&town={town}" if town_name else "")
    report = evaluation_report(ev, center_name=center_name, printed_by=user.name, printed_on=today(session), link=link)
    name = quote(f"考核统计表-{_file_scope(ev, town_name)}{ev.period}.pdf")
    with refusal_as_error(422):
        pdf = evaluation_pdf(report)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/followups", summary="差评回访整改台账")
def followups_page(
    request: Request, session: SessionDep, user: StaffDep, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> Response:
    open_pending_followups(session)
    with session.begin():
        listing = followup_page(session, page)
        names = station_names(session)
    return render(
        request,
        "followups.html",
        listing=listing,
        names=names,
        today=today(session).isoformat(),
        days=FOLLOWUP_DAYS,
        may_close=user.role in DECIDERS,
    )


@router.get("/followups/{case_id}.pdf", summary="打印差评回访整改反馈单（PDF）", response_class=Response)
def followup_print(
    request: Request, session: SessionDep, settings: SettingsDep, user: FollowupPrinter, case_id: str
) -> Response:
    """The sheet the station prints (forms.rating_followup), filled from the center's follow-up and the case; it
    carries the villager's phone for the 回访, so 督查 (who sees it masked) cannot print it."""
    with session.begin():
        with refusal_as_error(422, {ErrorCode.NOT_FOUND: 404}):
            record = followup_record(session, case_id, settings.center_name)
            pdf = followup_pdf(record)
        audit(session, user.username, "打印差评回访整改反馈单", record.case_no, ip=client_ip(request))
    name = quote(f"差评回访整改反馈单-{record.case_no}.pdf")
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )


@router.post("/followups/{case_id}/close", summary="登记回访整改结果")
def close_followup_route(
    request: Request,
    session: SessionDep,
    user: FollowupClosePost,
    case_id: str,
    outcome: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    with refusal_as_error(422, {ErrorCode.NOT_FOUND: 404}), session.begin():
        row = close_followup(session, case_id, outcome, f"{user.name}（镇中心）", today(session))
        audit(session, user.username, "差评回访整改", row.case_no, outcome, client_ip(request))
    return RedirectResponse(f"{PREFIX}/followups", status_code=303)
