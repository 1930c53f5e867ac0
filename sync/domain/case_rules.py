"""The case state machine, as data plus pure functions.

A transition is named by an *action*; each action says which states it may
leave, where it goes, which side (station or town center) may author it and
for which kinds of case. The station and the server check every transition
with this same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import IllegalTransition
from .events import CENTER, STATION
from .model import CaseKind


class CaseState(StrEnum):
    DRAFT = "draft"
    AWAITING_MATERIALS = "awaiting_materials"
    ACCEPTED = "accepted"
    DELIVERED = "delivered"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FEEDBACK_DONE = "feedback_done"
    ARCHIVED = "archived"
    ANSWERED = "answered"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS: dict[CaseState, str] = {
    CaseState.DRAFT: "登记",
    CaseState.AWAITING_MATERIALS: "待补正",
    CaseState.ACCEPTED: "已受理",
    CaseState.DELIVERED: "已送件",
    CaseState.IN_PROGRESS: "办理中",
    CaseState.COMPLETED: "已办结",
    CaseState.FEEDBACK_DONE: "已反馈",
    CaseState.ARCHIVED: "已归档",
    CaseState.ANSWERED: "已答复",
    CaseState.RETURNED: "退回",
    CaseState.WITHDRAWN: "撤回",
    CaseState.SUSPENDED: "中止",
    CaseState.TERMINATED: "终止",
}

#: States in which the promised-time clock runs.
CLOCK_RUNNING = frozenset({CaseState.ACCEPTED, CaseState.DELIVERED, CaseState.IN_PROGRESS})
#: States in which nothing more happens but archiving.
FINISHED = frozenset(
    {CaseState.FEEDBACK_DONE, CaseState.ANSWERED, CaseState.RETURNED, CaseState.WITHDRAWN, CaseState.TERMINATED}
)
OPEN = frozenset(
    {CaseState.DRAFT, CaseState.AWAITING_MATERIALS, *CLOCK_RUNNING, CaseState.SUSPENDED, CaseState.COMPLETED}
)

_HANDLED = frozenset({CaseKind.AGENCY, CaseKind.ASSIST})
_ALL_KINDS = frozenset(CaseKind)
_BEFORE_CENTER = frozenset({CaseState.DRAFT, CaseState.AWAITING_MATERIALS})
_AT_CENTER = frozenset({CaseState.DELIVERED, CaseState.IN_PROGRESS})
_CANCELLABLE = _BEFORE_CENTER | CLOCK_RUNNING | {CaseState.SUSPENDED}
_CONSULT_ONLY = frozenset({CaseKind.CONSULT})
_NOT_ARCHIVED = frozenset(CaseState) - {CaseState.ARCHIVED}
_RATED = frozenset({CaseState.FEEDBACK_DONE, CaseState.ARCHIVED})
_ALL_STATES = frozenset(CaseState)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[CaseState]
    target: CaseState | None  # None: stays (延期) or returns to the state before (续办)
    origin: str = STATION
    kinds: frozenset[CaseKind] = _HANDLED


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("request_correction", "一次性告知补正", _BEFORE_CENTER, CaseState.AWAITING_MATERIALS),
        Action("accept", "受理", _BEFORE_CENTER, CaseState.ACCEPTED),
        Action("deliver", "送件至镇中心", frozenset({CaseState.ACCEPTED}), CaseState.DELIVERED),
        Action("center_accept", "镇中心受理", frozenset({CaseState.DELIVERED}), CaseState.IN_PROGRESS, CENTER),
        Action("center_request_correction", "镇中心要求补正", _AT_CENTER, CaseState.AWAITING_MATERIALS, CENTER),
        Action("center_complete", "镇中心办结", _AT_CENTER, CaseState.COMPLETED, CENTER),
        Action("center_return", "镇中心退回", _AT_CENTER, CaseState.RETURNED, CENTER),
        Action("return", "退回", _BEFORE_CENTER, CaseState.RETURNED),
        Action("give_feedback", "结果交付并评价", frozenset({CaseState.COMPLETED}), CaseState.FEEDBACK_DONE),
        Action("answer", "咨询答复（一次告知）", frozenset({CaseState.DRAFT}), CaseState.ANSWERED, kinds=_CONSULT_ONLY),
        Action("archive", "归档", FINISHED, CaseState.ARCHIVED, kinds=_ALL_KINDS),
        Action("withdraw", "撤回", _CANCELLABLE, CaseState.WITHDRAWN, kinds=_ALL_KINDS),
        Action("suspend", "中止", CLOCK_RUNNING, CaseState.SUSPENDED),
        Action("resume", "续办", frozenset({CaseState.SUSPENDED}), None),
        Action("terminate", "终止", _CANCELLABLE, CaseState.TERMINATED),
        Action("extend", "延期", CLOCK_RUNNING, None),
        # Actions that record a fact without moving the case (target None: stays).
        Action("handover", "材料交接", _NOT_ARCHIVED, None),
        Action("attach", "添加附件", _NOT_ARCHIVED, None, kinds=_ALL_KINDS),
        Action("set_case_type", "变更办件类型", OPEN, None),
        Action("center_close_rating", "镇中心差评回访办结", _RATED, None, CENTER),
        # 窗口确认收件: a fact about a past handover, so any state (a late word is kept, never refused).
        Action("center_handover_received", "镇中心窗口确认收件", _ALL_STATES, None, CENTER),
    )
}


def action_event_type(action: str) -> str:
    return f"case.{action}"


def check_transition(
    action: str, state: CaseState, kind: CaseKind, origin: str, resume_to: CaseState | None = None
) -> CaseState:
    """Return the state after ``action`` or raise IllegalTransition with a Chinese reason."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise IllegalTransition(f"未知的办件操作“{action}”")
    if origin != spec.origin:
        side = "镇中心" if spec.origin == CENTER else "代办站"
        raise IllegalTransition(f"“{spec.label}”只能由{side}操作")
    if kind not in spec.kinds:
        raise IllegalTransition(f"{kind.label}件不能进行“{spec.label}”操作")
    if state not in spec.sources:
        raise IllegalTransition(f"办件当前为“{state.label}”状态，不能进行“{spec.label}”操作")
    if spec.target is not None:
        return spec.target
    if action == "resume":
        if resume_to is None:
            raise IllegalTransition("无法确定中止前的状态，不能续办")
        return resume_to
    return state


def allowed_actions(state: CaseState, kind: CaseKind, origin: str = STATION) -> list[Action]:
    """Actions that may be taken now: for menus and buttons."""
    return [a for a in ACTIONS.values() if state in a.sources and kind in a.kinds and a.origin == origin]
