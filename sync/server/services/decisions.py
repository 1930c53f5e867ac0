"""Decisions of a center window on a case, each recorded as a center event the station pulls.

受理 (center_accept), 补正 (center_request_correction: every missing material at once), 办结
(center_complete: result and date), 退回 (center_return: reasons and legal basis).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sync.domain.events import Event
from sync.protocol.models import ErrorCode

from ..core.models import CaseRow
from .center_events import record_center_event
from .errors import ServiceError

DECISION_LABELS = {
    "center_accept": "受理",
    "center_request_correction": "要求补正",
    "center_complete": "办结",
    "center_return": "退回",
}


@dataclass(frozen=True)
class DecisionForm:
    action: str
    missing: str = ""
    result: str = ""
    completed_on: str = ""
    reason: str = ""
    legal_basis: str = ""


def _lines(text: str) -> list[str]:
    items = [part.strip() for line in text.splitlines() for part in line.replace("、", "\n").split("\n")]
    return [item for item in items if item]


def decide(session: Session, case_id: str, form: DecisionForm, actor: str, today: date) -> Event:
    """Record the decision (in the caller's transaction); the state machine refuses a move that does not fit."""
    row = session.get(CaseRow, case_id)
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这个办件")
    payload: dict[str, object] = {"case_id": case_id}
    if form.action == "center_accept":
        pass
    elif form.action == "center_request_correction":
        missing = _lines(form.missing)
        if not missing:
            raise ServiceError(ErrorCode.INVALID_REQUEST, "请一次性列出需要补正的全部材料", field="missing")
        payload["missing"] = missing
        payload["reason"] = form.reason.strip() or "材料不齐，请一次性补正"
    elif form.action == "center_complete":
        if not form.result.strip():
            raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写办理结果", field="result")
        try:
            completed = date.fromisoformat(form.completed_on) if form.completed_on else today
        except ValueError:
            raise ServiceError(ErrorCode.INVALID_REQUEST, "办结日期格式应为年-月-日", field="completed_on") from None
        if completed > today:
            raise ServiceError(ErrorCode.INVALID_REQUEST, "办结日期不能晚于今天", field="completed_on")
        payload["result"] = form.result.strip()[:500]
        payload["completed_on"] = completed.isoformat()
    elif form.action == "center_return":
        if not form.reason.strip():
            raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写退回理由", field="reason")
        if not form.legal_basis.strip():
            raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写退回的法律依据", field="legal_basis")
        payload["reason"] = form.reason.strip()[:500]
        payload["reasons"] = _lines(form.reason)
        payload["legal_basis"] = form.legal_basis.strip()[:500]
    else:
        raise ServiceError(ErrorCode.INVALID_REQUEST, "未知的处理操作", field="action")
    return record_center_event(session, row.station_id, "case." + form.action, payload, actor)
