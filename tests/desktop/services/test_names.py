"""Issue 13 at the station: every corpus name registered and read back exactly, found with look-alike dots;
a NUL or a lone surrogate in any free text refused with the field named, nothing saved."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.attachments import add_attachment_bytes
from desktop.services.casework.cases import get_case, search_cases
from desktop.services.casework.feedback import prepare_feedback
from desktop.services.casework.handovers import prepare_handover
from desktop.services.casework.records import (
    CaseFilter,
    FeedbackDraft,
    HandoverDraft,
    HandoverItemDraft,
    StepConfirmation,
)
from desktop.services.context import ServiceContext
from desktop.store import event_log
from sync.domain.errors import ValidationError
from tests.domain.names_corpus import LOOKALIKE_DOTS, NAMES

from .workflow_helpers import registered

#: The villager signs the printed 中止单/续办委托书.
PAPER = StepConfirmation(on_paper=True)


@pytest.mark.parametrize("key", sorted(NAMES))
def test_registration_keeps_every_corpus_name_exactly(ctx: ServiceContext, key: str) -> None:
    name = NAMES[key]
    address = f"{NAMES['ext_e'][-1]}家村{NAMES['ext_b'][1]}组3号"  # rare characters in places too
    case_id = registered(ctx, applicant_name=name, address=address)
    view = get_case(ctx, case_id)
    assert (view.applicant.name, view.applicant.address) == (name, address)
    assert [r.case_id for r in search_cases(ctx, CaseFilter(name=name))] == [case_id]
    assert [r.applicant_name for r in search_cases(ctx, CaseFilter(text=name))] == [name]


def test_search_matches_with_and_without_lookalike_dots(ctx: ServiceContext) -> None:
    stored = registered(ctx, applicant_name="阿依古丽•买买提")  # typed with a bullet: stored with U+00B7
    other = registered(ctx, applicant_name="阿依古丽", id_number="440308199001011239", phone="13900139000")
    assert get_case(ctx, stored).applicant.name == "阿依古丽·买买提"
    for query in ["阿依古丽·买买提", "古丽 · 买买", *(f"阿依古丽{dot}买买提" for dot in LOOKALIKE_DOTS)]:
        assert [r.case_id for r in search_cases(ctx, CaseFilter(text=query))] == [stored], query
        assert [r.case_id for r in search_cases(ctx, CaseFilter(name=query))] == [stored], query
    assert {r.case_id for r in search_cases(ctx, CaseFilter(name="阿依古丽"))} == {stored, other}


def _events(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return len(list(event_log.iter_events(session, 0)))


BAD_INPUT: list[tuple[str, Callable[[ServiceContext, str, str], object], str]] = [
    ("withdraw reason", lambda c, i, bad: workflow.withdraw(c, i, f"不办了{bad}"), "reason"),
    (
        "suspend condition",
        lambda c, i, bad: workflow.suspend(c, i, "缺材料", f"补齐后{bad}", PAPER),
        "restart_condition",
    ),
    (
        "type change reason",
        lambda c, i, bad: workflow.override_case_type(c, i, "joint", f"需要{bad}联办"),
        "reason",
    ),
    (
        "handover note",
        lambda c, i, bad: prepare_handover(
            c, i, HandoverDraft("villager", "clerk", (HandoverItemDraft("户口簿", True, 1, 4),), note=f"备注{bad}")
        ),
        "note",
    ),
    (
        "handover item",
        lambda c, i, bad: prepare_handover(
            c, i, HandoverDraft("villager", "clerk", (HandoverItemDraft(f"户口簿{bad}", True, 1, 4),))
        ),
        "items",
    ),
    (
        "feedback comment",
        lambda c, i, bad: prepare_feedback(c, i, FeedbackDraft(True, 5, {"attitude": f"很好{bad}"})),
        "attitude",
    ),
    ("attachment note", lambda c, i, bad: add_attachment_bytes(c, i, b"%PDF-1.4\n", "a.pdf", f"说明{bad}"), "note"),
]


@pytest.mark.parametrize(("bad", "code"), [("\x00", "U+0000"), ("\ud800", "U+D800"), ("\ue000", "U+E000")])
@pytest.mark.parametrize(("what", "call", "field"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_characters_in_free_text_are_refused_naming_the_field(
    ctx: ServiceContext, what: str, call: Callable[[ServiceContext, str, str], object], field: str, bad: str, code: str
) -> None:
    case_id = registered(ctx)
    before = _events(ctx)
    with pytest.raises(ValidationError) as err:
        call(ctx, case_id, bad)
    assert err.value.field == field
    assert f"（{code}）" in err.value.message
    assert _events(ctx) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"applicant_name": "王\x00秀英"}, "name"),
        ({"applicant_name": "王\ud800"}, "name"),
        ({"address": "西村\x003号"}, "address"),
        ({"address": "西村\U000f00003号"}, "address"),
    ],
)
def test_registration_refuses_bad_characters(ctx: ServiceContext, changes: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        registered(ctx, **changes)
    assert err.value.field == field
    assert "含有" in err.value.message and "U+" in err.value.message
    assert _events(ctx) == 0
