"""节假日日历 as a calendar (主任): a year's month grid where a click marks a day 放假 or 调休上班, an import of
the State Council's yearly notice typed as lines (``sync.domain.holiday_notice``), then the difference from the
published calendar before it is posted to ``/publish/calendar`` (the same flow as the 事项清单).

The draft travels in the page as the JSON document itself (a hidden field): nothing is stored until published.
"""

from __future__ import annotations

import calendar as month_calendar
import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from sync.domain.holiday_notice import LineError, notice_spec, parse_notice, year_changes, year_days, year_spec

from ..api.deps import SessionDep
from ..services.catalog_admin import parse_document
from ..services.reference_docs import current_document
from .deps import PublisherDep, PublisherPostDep, WebError, render, today
from .refusals import refusal_as_error
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
CalendarPost = PublisherPostDep
YearField = Annotated[int, Form(ge=2000, le=2100)]
DocumentField = Annotated[str, Form(max_length=2_000_000)]
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class DayCell:
    day: date
    kind: str  # holiday / workday / weekend / normal
    label: str


def _months(named: dict[date, str], workdays: set[date], year: int) -> list[tuple[int, list[list[DayCell | None]]]]:
    out = []
    for month in range(1, 13):
        weeks: list[list[DayCell | None]] = []
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row: list[DayCell | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                elif day in named:
                    row.append(DayCell(day, "holiday", named[day]))
                elif day in workdays:
                    row.append(DayCell(day, "workday", "班"))
                else:
                    row.append(DayCell(day, "weekend" if day.weekday() >= 5 else "normal", ""))
            weeks.append(row)
        out.append((month, weeks))
    return out


def _document(session: SessionDep, text: str) -> dict[str, Any]:
    if not text:
        with session.begin():
            return current_document(session, "calendar")
    with refusal_as_error(422):
        return parse_document("calendar", text)


def _page(
    request: Request,
    document: dict[str, Any],
    year: int,
    *,
    name: str = "",
    notice: str = "",
    errors: tuple[LineError, ...] = (),
    message: str = "",
    status: int = 200,
) -> Response:
    named, workdays = year_days(document, year)
    spec = dict(document.get("years", {}).get(str(year)) or {})
    return render(
        request,
        "calendar.html",
        status,
        year=year,
        months=_months(named, workdays, year),
        weekdays=WEEKDAYS,
        document=json.dumps(document, ensure_ascii=False),
        version=str(document.get("version", "")),
        covered=sorted(int(y) for y in document.get("years", {})),
        holidays=len(named),
        workdays=len(workdays),
        source=str(spec.get("source", "")),
        holiday_name=name,
        notice=notice,
        errors=errors,
        message=message,
    )


@router.get("/calendar", summary="节假日日历（主任）")
def calendar_page(
    request: Request, session: SessionDep, user: PublisherDep, year: Annotated[int, Query(ge=2000, le=2100)] = 0
) -> Response:
    return _page(request, _document(session, ""), year or today(session).year)


@router.post("/calendar/day", summary="标记一天：放假、调休上班或恢复（主任）")
def calendar_day(
    request: Request,
    session: SessionDep,
    user: CalendarPost,
    year: YearField,
    day: Annotated[str, Form(max_length=10)],
    document: DocumentField = "",
    name: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """A click cycles the day: 工作日/周末 → 放假 (named ``name``) → 调休上班 → as usual."""
    draft = _document(session, document)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise WebError(422, "日期格式不正确") from None
    if when.year != year:
        raise WebError(422, f"{when.isoformat()}不在{year}年内")
    named, workdays = year_days(draft, year)
    label = name.strip() or "节假日"
    if when in named:
        del named[when]
        workdays.add(when)
    elif when in workdays:
        workdays.discard(when)
    else:
        named[when] = label
    spec = dict(draft.get("years", {}).get(str(year)) or {})
    years = dict(draft.get("years", {}))
    years[str(year)] = year_spec(named, workdays, str(spec.get("source", "")))
    return _page(request, {**draft, "years": years}, year, name=name)


@router.post("/calendar/import", summary="按国务院节假日安排通知导入一年（主任）")
def calendar_import(
    request: Request,
    session: SessionDep,
    user: CalendarPost,
    year: YearField,
    notice: Annotated[str, Form(max_length=20_000)] = "",
    source: Annotated[str, Form(max_length=60)] = "",
    document: DocumentField = "",
) -> Response:
    draft = _document(session, document)
    parsed = parse_notice(notice, year)
    if parsed.errors:
        message = f"未能导入：共{len(parsed.errors)}处问题，请改正后重新导入（日历未改动）。"
        return _page(request, draft, year, notice=notice, errors=parsed.errors, message=message, status=422)
    years = dict(draft.get("years", {}))
    years[str(year)] = notice_spec(parsed, source.strip())
    return _page(request, {**draft, "years": years}, year)


@router.post("/calendar/preview", summary="核对节假日日历的变化（主任）")
def calendar_preview(
    request: Request,
    session: SessionDep,
    user: CalendarPost,
    document: DocumentField = "",
    version: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    draft = _document(session, document)
    if version.strip():
        draft = {**draft, "version": version.strip()}
    with session.begin():
        published = current_document(session, "calendar")
    changes = year_changes(published, draft)
    same_version = str(draft.get("version", "")) == str(published.get("version", ""))
    return render(
        request,
        "calendar_preview.html",
        changes=changes,
        version=str(draft.get("version", "")),
        published_version=str(published.get("version", "")),
        same_version=same_version,
        document=json.dumps(draft, ensure_ascii=False, indent=2),
    )
