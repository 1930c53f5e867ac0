"""保存期限 page of the 主任: set how long closed cases stay open at the stations before they are archived."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from sync.domain.retention import MAX_DAYS, MIN_DAYS

from ..api.deps import SessionDep
from ..services.retention_admin import current_policy, history, publish_retention
from ..services.staff import audit
from .deps import PREFIX, PublisherDep, PublisherPostDep, client_ip, render
from .refusals import refusal_shown
from .route_class import WebRoute

router = APIRouter(route_class=WebRoute, default_response_class=HTMLResponse)


def _page(
    request: Request, session: SessionDep, value: str = "", message: str = "", status: int = 200, done: str = ""
) -> Response:
    with session.begin():
        policy = current_policy(session)
        rows = history(session)
    return render(
        request,
        "retention.html",
        status,
        policy=policy,
        value=value or str(policy.closed_case_days),
        history=rows,
        message=message,
        done=done,
        min_days=MIN_DAYS,
        max_days=MAX_DAYS,
    )


@router.get("/retention", summary="保存期限（主任）")
def retention_page(request: Request, session: SessionDep, user: PublisherDep, done: str = "") -> Response:
    return _page(request, session, done=done)


@router.post("/retention", summary="发布保存期限（主任）")
def retention_publish(
    request: Request,
    session: SessionDep,
    user: PublisherPostDep,
    closed_case_days: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    with refusal_shown(lambda exc: _page(request, session, closed_case_days, exc.message, 422)), session.begin():
        policy, sent = publish_retention(session, closed_case_days, f"{user.name}（镇中心主任）")
        audit(
            session,
            user.username,
            "发布保存期限",
            f"办结后{policy.closed_case_days}天自动归档",
            f"发往{sent}个代办站",
            client_ip(request),
        )
    return RedirectResponse(f"{PREFIX}/retention?done={policy.closed_case_days}", status_code=303)
