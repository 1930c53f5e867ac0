"""Bad input anywhere in the workflow: a Chinese message naming the field, and nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.case_detail import case_history
from desktop.services.casework.cases import get_case
from desktop.services.casework.handovers import prepare_handover, record_handover
from desktop.services.casework.history import SENTENCES
from desktop.services.casework.records import (
    HandoverDraft,
    HandoverInput,
    HandoverItemDraft,
    ReturnInput,
    SignatureInput,
    StepConfirmation,
)
from desktop.services.context import ServiceContext
from desktop.store import event_log
from sync.domain.case_rules import ACTIONS
from sync.domain.errors import DomainError, ValidationError

from .workflow_helpers import handover, registered, sign

BOOK = HandoverItemDraft("户口簿", True, 1, 4)


def _signed(ctx: ServiceContext, case_id: str, draft: HandoverDraft, **changes: str) -> HandoverInput:
    sha = prepare_handover(ctx, case_id, draft).content_sha256
    return HandoverInput(draft, (sign("王秀英", "委托人", sha), sign("李代办", "代办员", sha)))


CASES: list[tuple[str, Callable[[ServiceContext, str], object], str, str]] = [
    (
        "handover without items",
        lambda c, i: record_handover(c, i, handover(c, i, "villager", "clerk", [])),
        "items",
        "请列出",
    ),
    (
        "handover with zero copies",
        lambda c, i: record_handover(c, i, handover(c, i, "villager", "clerk", [HandoverItemDraft("户口簿", True, 0)])),
        "items",
        "份数",
    ),
    (
        "handover on an unknown route",
        lambda c, i: record_handover(c, i, _signed(c, i, HandoverDraft("villager", "window", (BOOK,)))),
        "route",
        "不支持",
    ),
    (
        "handover signed by one person",
        lambda c, i: record_handover(
            c,
            i,
            HandoverInput(
                HandoverDraft("villager", "clerk", (BOOK,)),
                (
                    sign(
                        "王秀英",
                        "委托人",
                        prepare_handover(c, i, HandoverDraft("villager", "clerk", (BOOK,))).content_sha256,
                    ),
                ),
            ),
        ),
        "signatures",
        "需要2人签名",
    ),
    (
        "handover content changed after signing",
        lambda c, i: record_handover(
            c,
            i,
            HandoverInput(
                HandoverDraft("villager", "clerk", (HandoverItemDraft("户口簿", True, 2),)),
                _signed(c, i, HandoverDraft("villager", "clerk", (BOOK,))).signatures,
            ),
        ),
        "signatures",
        "重新签名",
    ),
    (
        "signature ink that does not hash to its reference",
        lambda c, i: record_handover(
            c,
            i,
            HandoverInput(
                HandoverDraft("villager", "clerk", (BOOK,)),
                tuple(
                    SignatureInput(s.signer, s.role, s.signature_sha256, s.content_sha256, {"strokes": ["x"]})
                    for s in _signed(c, i, HandoverDraft("villager", "clerk", (BOOK,))).signatures
                ),
            ),
        ),
        "signatures",
        "签名数据与其校验值不符",
    ),
    (
        "return without reasons",
        lambda c, i: workflow.return_case(c, i, ReturnInput((" ",), "依据", "同意")),
        "reasons",
        "退回理由",
    ),
    (
        "return without leader",
        lambda c, i: workflow.return_case(c, i, ReturnInput(("不符",), "依据", "")),
        "leader_opinion",
        "领导意见",
    ),
    (
        "suspend without restart condition",
        lambda c, i: workflow.suspend(c, i, "鉴定", " ", StepConfirmation(on_paper=True)),
        "restart_condition",
        "恢复办理的条件",
    ),
    (
        "extend to a Sunday",
        lambda c, i: workflow.extend(c, i, date(2026, 12, 27), "核查", True),
        "due_on",
        "不是工作日",
    ),
    ("extend without reason", lambda c, i: workflow.extend(c, i, date(2026, 12, 28), "", True), "reason", "延期理由"),
    ("unknown case type", lambda c, i: workflow.override_case_type(c, i, "urgent", "急"), "case_type", "办件类型"),
    ("terminate with a 600-character reason", lambda c, i: workflow.terminate(c, i, "长" * 600), "reason", "不能超过"),
]


@pytest.mark.parametrize(("what", "call", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_nothing_is_saved(
    ctx: ServiceContext, what: str, call: Callable[[ServiceContext, str], object], field: str, message: str
) -> None:
    # 退回 happens before the case goes to the center: there the case waits for materials
    case_id = registered(ctx, missing=["居民身份证"]) if what.startswith("return") else registered(ctx)
    with ctx.db.reading() as session:
        before = event_log.count_events(session)
    view = get_case(ctx, case_id)
    with pytest.raises(ValidationError) as err:
        call(ctx, case_id)
    assert err.value.field == field, what
    assert message in err.value.message
    with ctx.db.reading() as session:
        assert event_log.count_events(session) == before
    assert get_case(ctx, case_id) == view


def test_a_failing_second_event_rolls_back_the_first(ctx: ServiceContext) -> None:
    """deliver + a handover of an original the clerk does not hold: neither is saved."""
    case_id = registered(ctx)
    with pytest.raises(DomainError, match="目前在申请人处"):
        workflow.deliver(ctx, case_id, handover(ctx, case_id, "clerk", "window", [BOOK]))
    assert get_case(ctx, case_id).state.label == "已受理"


def test_every_action_has_a_history_sentence(ctx: ServiceContext) -> None:
    assert {f"case.{name}" for name in ACTIONS} <= set(SENTENCES)
    case_id = registered(ctx)
    history = case_history(ctx, case_id)
    assert history[0].sentence.startswith("登记代办") and "受理" in history[1].sentence
