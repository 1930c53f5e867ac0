"""收件箱（待办、范围、筛选、搜索）与其计数, 办件详情与处理（受理/补正/办结/退回）, 期限看板."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from sync.domain.case_rules import ACTIONS, STATE_LABELS
from sync.domain.projection import view_from_dict
from sync.domain.validation import mask_phone
from sync.protocol.models import ErrorCode

from ..api.deps import SessionDep
from ..core.models import CaseRow
from ..services.case_evidence import IMAGE_TYPES, Shown, evidence, shown
from ..services.case_search import QUERY_LIMIT, read_query
from ..services.dashboard import (
    RECEIPT_FILTERS,
    InboxFilter,
    case_history,
    case_item,
    dashboard_counts,
    deadline_board,
    inbox,
)
from ..services.decisions import DECISION_LABELS, DecisionForm, decide
from ..services.errors import ServiceError
from ..services.receipts import ReceiptForm, case_receipts, confirm_receipt, receipt_summary
from ..services.reference_docs import current_calendar
from ..services.staff import DECIDERS, FULL_ID_ROLES, StaffUser, audit
from ..services.work_queue import VIEWS, arrivals_mark, arrived_since
from .deps import (
    PREFIX,
    CsrfDep,
    StaffDep,
    WebError,
    client_ip,
    local_time,
    open_pending_followups,
    parse_day,
    render,
    role_required,
    today,
)
from .refusals import refusal_shown
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)
RevealPost = Annotated[StaffUser, role_required(FULL_ID_ROLES, "督查人员不能查看完整身份证号或联系电话", form=True)]
EvidencePost = Annotated[StaffUser, role_required(FULL_ID_ROLES, "督查人员不能查看签名和附件", form=True)]
DecidePost = Annotated[
    StaffUser, role_required(DECIDERS, "督查人员只能查看，不能受理、补正、办结或退回办件", form=True)
]
ReceivePost = Annotated[StaffUser, role_required(DECIDERS, "督查人员只能查看，不能确认收件", form=True)]

RECEIVED = "center_handover_received"
#: What a 留痕 full view of the applicant shows (form field ``field``), and its audit action.
REVEAL_ACTIONS = {"id": "查看完整身份证号", "phone": "查看完整联系电话"}
#: What the page confirms after a POST (``?done=``).
DONE_LABELS = {**DECISION_LABELS, RECEIVED: "确认收件"}


def _event_label(type_: str) -> str:
    if type_ == "case.registered":
        return "登记"
    action = ACTIONS.get(type_.removeprefix("case."))
    return action.label if action else type_


@router.get("/", summary="收件箱")
def inbox_page(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    station: Annotated[str, Query(max_length=64)] = "",
    clerk: Annotated[str, Query(max_length=100)] = "",
    matter: Annotated[str, Query(max_length=100)] = "",
    state: Annotated[str, Query(max_length=32)] = "",
    due_by: Annotated[str, Query(max_length=10)] = "",
    receipt: Annotated[str, Query(max_length=16, description="收件情况：discrepancy、pending 或 confirmed")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    view: Annotated[str, Query(max_length=16, description="范围：queue（默认，待办）、overdue、due_soon、done…")] = "",
    q: Annotated[str, Query(max_length=4 * QUERY_LIMIT, description="搜索：编号、姓名、身份证号、电话、代办站")] = "",
) -> Response:
    flt = InboxFilter(
        station, clerk.strip(), matter.strip(), state, parse_day(due_by), page, receipt, view, read_query(q)
    )
    return _inbox(request, session, flt, due_by)


def _inbox(request: Request, session: SessionDep, flt: InboxFilter, due_by: str = "") -> Response:
    open_pending_followups(session)
    with session.begin():
        calendar = current_calendar(session)
        counts = dashboard_counts(session, calendar, today(session))
        result = inbox(session, flt, calendar, today(session), queue_total=counts["queue"])
        mark = arrivals_mark(session)
        arrived = arrived_since(session, mark)
    return render(
        request,
        "inbox.html",
        result=result,
        flt=flt,
        counts=counts,
        arrivals_mark=mark,
        arrived=arrived,
        states=STATE_LABELS,
        receipts=RECEIPT_FILTERS,
        views=VIEWS,
        due_by=due_by,
        q=flt.search.text if flt.search else "",  # a whole number searched is never written back into the page
    )


@router.post("/search", summary="搜索办件（完整身份证号、电话不进地址栏）")
def search_page(
    request: Request,
    session: SessionDep,
    user: CsrfDep,
    q: Annotated[str, Form(max_length=4 * QUERY_LIMIT)] = "",
) -> Response:
    """The header's search box posts here, so that a whole 身份证 or phone number stays out of the address
    bar, the browser's history and the access logs: such a search is answered at once (and audited, since a
    whole number searched is a look-up of a person); any other text goes on to the inbox's ``?q=``."""
    query = read_query(q)
    if query is None:
        return RedirectResponse(f"{PREFIX}/", status_code=303)
    if query.text:
        return RedirectResponse(f"{PREFIX}/?{urlencode({'q': query.text})}", status_code=303)
    with session.begin():
        what = "按完整身份证号搜索办件" if query.id_number else "按完整电话搜索办件"
        audit(session, user.username, what, query.label, ip=client_ip(request))
    return _inbox(request, session, InboxFilter(search=query))


@router.get("/inbox/counts", summary="收件箱计数（页面每分钟刷新）", response_class=JSONResponse)
def inbox_counts(session: SessionDep, user: StaffDep, since: Annotated[str, Query(max_length=40)] = "") -> Response:
    """The tiles' numbers as JSON, for the inbox's poll; with ``since`` (the page's ``arrivals_mark``) also
    ``arrived``, how many cases the center first stored after it (``work_queue.arrived_since``)."""
    with session.begin():
        counts = dashboard_counts(session, current_calendar(session), today(session))
        if since:
            counts["arrived"] = arrived_since(session, since)
    return JSONResponse(counts, headers={"Cache-Control": "no-store"})


@router.get("/deadlines", summary="超期与临期办件")
def deadlines_page(request: Request, session: SessionDep, user: StaffDep) -> Response:
    with session.begin():
        board = deadline_board(session, current_calendar(session), today(session))
    return render(request, "deadlines.html", board=board)


def _case_or_404(session: SessionDep, case_id: str) -> CaseRow:
    row = session.get(CaseRow, case_id)
    if row is None:
        raise WebError(404, "没有这个办件")
    return row


def _case_page(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    case_id: str,
    *,
    reveal: str = "",
    show: Shown | None = None,
    message: str = "",
    status: int = 200,
) -> Response:
    with session.begin():
        row = _case_or_404(session, case_id)
        item = case_item(session, row, current_calendar(session), today(session))
        history = case_history(session, row)
        receipts = case_receipts(view_from_dict(row.data))
        entries = evidence(session, row)
        if reveal:
            audit(session, user.username, REVEAL_ACTIONS[reveal], row.case_no, ip=client_ip(request))
    applicant = row.data["applicant"]
    return render(
        request,
        "case.html",
        status,
        row=row,
        data=row.data,
        item=item,
        history=history,
        event_label=_event_label,
        full_id=applicant.get("id_number", "") if reveal == "id" else "",
        phone=applicant.get("phone", "") if reveal == "phone" else mask_phone(applicant.get("phone", "")),
        phone_revealed=reveal == "phone",
        may_reveal=user.role in FULL_ID_ROLES,
        may_decide=user.role in DECIDERS,
        decisions=DONE_LABELS,
        receipts=receipts,
        local=local_time,
        message=message,
        today=today(session).isoformat(),
        evidence=entries,
        shown=show,
        shown_src=f"data:{show.mime};base64,{base64.b64encode(show.content).decode()}" if show and show.content else "",
    )


def _refused(
    request: Request, session: SessionDep, user: StaffUser, case_id: str
) -> Callable[[ServiceError], Response]:
    """The case page again with the refusal's message (422)."""
    return lambda exc: _case_page(request, session, user, case_id, message=exc.message, status=422)


@router.get("/cases/{case_id}", summary="办件详情")
def case_page(request: Request, session: SessionDep, user: StaffDep, case_id: str) -> Response:
    return _case_page(request, session, user, case_id)


@router.post("/cases/{case_id}/reveal", summary="查看完整身份证号或联系电话（留痕）")
def reveal_id(
    request: Request,
    session: SessionDep,
    user: RevealPost,
    case_id: str,
    field: Annotated[str, Form(max_length=10)] = "id",
) -> Response:
    if field not in REVEAL_ACTIONS:
        raise WebError(422, "只能查看完整身份证号或联系电话")
    return _case_page(request, session, user, case_id, reveal=field)


@router.post("/cases/{case_id}/evidence", summary="查看签名或附件（留痕）")
def show_evidence(
    request: Request,
    session: SessionDep,
    user: EvidencePost,
    case_id: str,
    key: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    """One signature or scan of the case, for 主任 and 窗口 only, each view in the audit log: a drawing or an
    image is shown on the case page; another file (a PDF scan) is sent as a download."""
    with session.begin():
        row = _case_or_404(session, case_id)
        try:
            found = shown(session, row, key)
        except (LookupError, ServiceError):
            raise WebError(404, "没有这个签名或附件，或镇中心尚未收齐") from None
        audit(
            session,
            user.username,
            "查看签名或附件",
            row.case_no,
            f"{found.entry.step}：{found.entry.title}",
            client_ip(request),
        )
    if found.content and found.mime not in IMAGE_TYPES:
        name = quote(found.entry.title)
        return Response(
            found.content,
            media_type=found.mime,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}", "Cache-Control": "no-store"},
        )
    return _case_page(request, session, user, case_id, show=found)


@router.post("/cases/{case_id}/decide", summary="受理/补正/办结/退回")
def decide_case(
    request: Request,
    session: SessionDep,
    user: DecidePost,
    case_id: str,
    action: Annotated[str, Form(max_length=40)] = "",
    missing: Annotated[str, Form(max_length=2000)] = "",
    result: Annotated[str, Form(max_length=500)] = "",
    completed_on: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
    legal_basis: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form = DecisionForm(action, missing, result, completed_on, reason, legal_basis)
    actor = f"{user.name}（镇中心窗口）"
    with refusal_shown(_refused(request, session, user, case_id)), session.begin():
        row = _case_or_404(session, case_id)
        decide(session, case_id, form, actor, today(session))
        detail = "；".join(v for v in (missing, result, reason, legal_basis) if v)
        audit(session, user.username, DECISION_LABELS.get(action, action), row.case_no, detail, client_ip(request))
    return RedirectResponse(f"{PREFIX}/cases/{case_id}?done={action}", status_code=303)


def _indexes(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "勾选的材料不在交接清单中", field="received") from None


@router.post("/cases/{case_id}/receive", summary="窗口确认收件（全部收到或列出差异）")
def receive_materials(
    request: Request,
    session: SessionDep,
    user: ReceivePost,
    case_id: str,
    handover_id: Annotated[str, Form(max_length=64)] = "",
    received: Annotated[list[str] | None, Form(max_length=100)] = None,
    copies: Annotated[list[str] | None, Form(max_length=100)] = None,
    form: Annotated[list[str] | None, Form(max_length=100)] = None,
    note: Annotated[str, Form(max_length=500)] = "",
    kept: Annotated[list[str] | None, Form(max_length=100)] = None,
) -> Response:
    """``kept``: the listed originals the town (window or department) keeps — 留存, never returned; the
    station then archives without a handover it did not witness (docs/custody.md)."""
    actor = f"{user.name}（镇中心窗口）"
    with refusal_shown(_refused(request, session, user, case_id)):
        ticked = _indexes(received or [])
        with session.begin():
            row = _case_or_404(session, case_id)
            data = ReceiptForm(
                handover_id, ticked, tuple(copies or ()), tuple(form or ()), note, tuple(_indexes(kept or []))
            )
            event = confirm_receipt(session, case_id, data, user.name, actor)
            audit(session, user.username, "确认收件", row.case_no, receipt_summary(event), client_ip(request))
    return RedirectResponse(f"{PREFIX}/cases/{case_id}?done={RECEIVED}", status_code=303)
