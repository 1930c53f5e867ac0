"""Property test through the services: any sequence of commands leaves a valid case, and replaying rebuilds it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop.services.casework import workflow
from desktop.services.casework.attachments import add_attachment_bytes
from desktop.services.casework.cases import get_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.casework.handovers import record_handover
from desktop.services.casework.records import HandoverItemDraft, ReturnInput, StepConfirmation
from desktop.services.context import ServiceContext
from desktop.services.station import setup_station
from desktop.store import event_log
from sync.domain.calendar import add_working_days
from sync.domain.case_rules import CLOCK_RUNNING, CaseState
from sync.domain.clock import FixedClock
from sync.domain.custody import originals_out
from sync.domain.errors import DomainError
from tests.desktop.conftest import set_clock

from ..conftest import TODAY, promised_item
from .workflow_helpers import center, feedback, handover, registered

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

Command = Callable[[ServiceContext, str], object]


def _originals(ctx: ServiceContext, case_id: str) -> list[HandoverItemDraft]:
    return [HandoverItemDraft(m.name, True, m.copies) for m in get_case(ctx, case_id).materials if m.original]


def _later_due(ctx: ServiceContext, case_id: str) -> object:
    due = get_case(ctx, case_id).due_on or ctx.today()
    return workflow.extend(ctx, case_id, add_working_days(ctx.calendar, due, 2).day, "需现场核查", consent=True)


def _advance(days: int) -> Command:
    def run(ctx: ServiceContext, case_id: str) -> None:
        current = ctx.today()
        set_clock(ctx, current + timedelta(days=days))

    return run


STATION_COMMANDS: dict[str, Command] = {
    "request_correction": lambda ctx, c: workflow.request_correction(ctx, c, ["村委会证明"]),
    "supplement": lambda ctx, c: workflow.supplement_received(ctx, c, list(get_case(ctx, c).missing)),
    "deliver": lambda ctx, c: workflow.deliver(ctx, c),
    "take_originals": lambda ctx, c: record_handover(ctx, c, handover(ctx, c, "villager", "clerk", _originals(ctx, c))),
    "to_window": lambda ctx, c: record_handover(ctx, c, handover(ctx, c, "clerk", "window", _originals(ctx, c))),
    "from_window": lambda ctx, c: record_handover(ctx, c, handover(ctx, c, "window", "clerk", _originals(ctx, c))),
    "give_back": lambda ctx, c: record_handover(ctx, c, handover(ctx, c, "clerk", "villager", _originals(ctx, c))),
    "feedback_good": lambda ctx, c: give_feedback(ctx, c, feedback(ctx, c, 5)),
    "feedback_bad": lambda ctx, c: give_feedback(ctx, c, feedback(ctx, c, 1)),
    "archive": lambda ctx, c: workflow.archive(ctx, c),
    "withdraw": lambda ctx, c: workflow.withdraw(ctx, c, "申请人撤回"),
    "return": lambda ctx, c: workflow.return_case(ctx, c, ReturnInput(("不符合条件",), "某办法第三条", "同意")),
    "extend": _later_due,
    "extend_no_consent": lambda ctx, c: workflow.extend(ctx, c, ctx.today() + timedelta(days=30), "x", consent=False),
    "suspend": lambda ctx, c: workflow.suspend(ctx, c, "等待鉴定", "结论送达", StepConfirmation(on_paper=True)),
    "resume": lambda ctx, c: workflow.resume(ctx, c, "中止原因已消除", StepConfirmation(on_paper=True)),
    "terminate": lambda ctx, c: workflow.terminate(ctx, c, "申请人去世"),
    "type_joint": lambda ctx, c: workflow.override_case_type(ctx, c, "joint", "多部门"),
    "attach": lambda ctx, c: add_attachment_bytes(ctx, c, PNG, "scan.png"),
    "answer": lambda ctx, c: workflow.answer_consult(ctx, c),
    "bad_supplement": lambda ctx, c: workflow.supplement_received(ctx, c, ["不存在的材料"]),
}
CENTER_COMMANDS: dict[str, Command] = {
    "center_accept": lambda ctx, c: center(ctx, "case.center_accept", {"case_id": c}),
    "center_complete": lambda ctx, c: center(ctx, "case.center_complete", {"case_id": c, "result": "办结"}),
    "center_correction": lambda ctx, c: center(
        ctx, "case.center_request_correction", {"case_id": c, "missing": ["证明"]}
    ),
    "center_return": lambda ctx, c: center(ctx, "case.center_return", {"case_id": c, "reason": "不符合"}),
    "center_close_rating": lambda ctx, c: center(ctx, "case.center_close_rating", {"case_id": c}),
}
OTHER: dict[str, Command] = {"next_day": _advance(1), "next_week": _advance(7)}
NAMES = sorted({**STATION_COMMANDS, **CENTER_COMMANDS, **OTHER})
#: Random sequences rarely get deep into the life of a case: start some from further along.
PREFIXES = [
    [],
    ["take_originals", "deliver", "to_window", "center_accept"],
    ["take_originals", "deliver", "to_window", "center_accept", "center_complete", "from_window"],
    ["take_originals", "deliver", "center_accept", "center_complete", "feedback_bad"],
]


def _counts(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return event_log.count_events(session)


def _check_valid(ctx: ServiceContext, case_id: str) -> None:
    view = get_case(ctx, case_id)
    assert view.state in CaseState
    if view.state is CaseState.SUSPENDED:
        assert view.suspended_from in CLOCK_RUNNING and view.suspended_on is not None
    if view.state in CLOCK_RUNNING:
        assert view.due_on is not None and view.accepted_on is not None
    if view.state is CaseState.ARCHIVED:
        assert originals_out(view.custody) == []
    if view.state is CaseState.FEEDBACK_DONE:
        assert view.rating is not None
    if view.state is CaseState.AWAITING_MATERIALS:
        assert view.missing


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["agency", "assist", "consult"]),
    incomplete=st.booleans(),
    prefix=st.sampled_from(PREFIXES),
    commands=st.lists(st.sampled_from(NAMES), max_size=18),
)
def test_any_sequence_of_service_commands_keeps_a_valid_replayable_case(
    kind: str, incomplete: bool, prefix: list[str], commands: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ctx = ServiceContext.open(Path(tmp), FixedClock.on(TODAY))
        try:
            setup_station(ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
            missing = [promised_item(ctx).materials[0].name] if incomplete else []
            case_id = registered(ctx, kind=kind, missing=missing)
            for name in prefix + commands:
                before_events, before_view = _counts(ctx), get_case(ctx, case_id)
                command = STATION_COMMANDS.get(name) or CENTER_COMMANDS.get(name) or OTHER[name]
                try:
                    command(ctx, case_id)
                except DomainError as exc:
                    assert exc.message  # a Chinese message, and nothing saved
                    assert _counts(ctx) == before_events
                    assert get_case(ctx, case_id) == before_view
                _check_valid(ctx, case_id)
            final = get_case(ctx, case_id)
            event(f"final state {final.state.label}")
            with ctx.db.transaction() as session:
                event_log.verify(session)
                event_log.rebuild_projection(session)
            assert get_case(ctx, case_id) == final
        finally:
            ctx.close()
