"""Custody rules for what the station did not witness and what it need not sign twice.

- An original the town center reports kept (留存, on its 窗口确认收件) settles at the window: 归档 is not
  blocked and the station records no window → department handover.
- The villager → clerk handover at registration may rest on the signed 委托书 (``covered_by``), once,
  for exactly what the 委托书 lists as submitted.
- Events made before these rules fold and hash as they did.
"""

from __future__ import annotations

from typing import Any

import pytest

from sync.domain.case_rules import CaseState
from sync.domain.custody import CLERK, VILLAGER, HandoverItem, covered_payload, handover_content
from sync.domain.errors import DomainError, ValidationError
from sync.domain.events import Event
from sync.domain.projection import CaseView, fold, originals_blocking_archive, view_from_dict, view_to_dict
from sync.domain.signing import content_hash
from sync.domain.window_receipt import kept_originals, receipt_payload

from .factories import Chain, signed_handover
from .test_custody_feedback import _feedback
from .test_entrustment import signed_registration

ACTION = "case.center_handover_received"
CARD = {"name": "居民身份证", "original": True, "copies": 1}  # what signed_registration lists as submitted
RECEIVED = {("居民身份证", True): (1, True)}


def _registered() -> tuple[Chain, str, dict[str, Any]]:
    chain = Chain()
    reg = signed_registration(ink=False)
    chain.add("case.registered", reg)
    cid = reg["case_id"]
    chain.add("case.accept", {"case_id": cid, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    return chain, cid, reg


def _covered(cid: str, sha: str, items: list[dict[str, Any]] | None = None, **route: str) -> dict[str, Any]:
    parsed = [HandoverItem.from_dict(i) for i in (items or [CARD])]
    content = handover_content(cid, route.get("from_holder", VILLAGER), route.get("to_holder", CLERK), parsed)
    return covered_payload(content, sha)


def _sha(reg: dict[str, Any]) -> str:
    return str(reg["signatures"][0]["content_sha256"])


def test_the_intake_handover_rests_on_the_signed_entrustment() -> None:
    chain, cid, reg = _registered()
    view = fold(chain.events)[cid]
    assert view.entrustment_sha256 == _sha(reg) and not view.intake_covered
    chain.add("case.handover", _covered(cid, _sha(reg)))
    view = fold(chain.events)[cid]
    assert dict(view.custody) == {"居民身份证": CLERK} and view.intake_covered
    assert view_from_dict(view_to_dict(view)) == view


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda cid, sha: _covered(cid, "0" * 64), "不是本办件已签名的委托书"),
        (lambda cid, sha: _covered(cid, sha, [{**CARD, "copies": 2}]), "与委托书所列已提交材料不符"),
        (lambda cid, sha: _covered(cid, sha, [{"name": "户口簿", "original": True}]), "与委托书所列已提交材料不符"),
        (lambda cid, sha: _covered(cid, sha, from_holder=CLERK, to_holder="window"), "只有申请人交给代办员"),
        (lambda cid, sha: {**_covered(cid, sha), "signatures": [{"signer": "x"}]}, "不再另行签名"),
        (lambda cid, sha: {**_covered(cid, sha), "covered_by": {"content_sha256": "xyz"}}, "委托书签名无效"),
    ],
)
def test_a_covered_handover_that_does_not_match_the_entrustment_is_refused(make: Any, message: str) -> None:
    chain, cid, reg = _registered()
    chain.add("case.handover", make(cid, _sha(reg)))
    with pytest.raises(ValidationError, match=message):
        fold(chain.events)


def test_the_entrustment_covers_one_intake_only_and_an_unsigned_registration_none() -> None:
    chain, cid, reg = _registered()
    chain.add("case.handover", _covered(cid, _sha(reg)))
    chain.add("case.handover", signed_handover(cid, CLERK, VILLAGER, [CARD]))
    chain.add("case.handover", _covered(cid, _sha(reg)))
    with pytest.raises(ValidationError, match="已记录过"):
        fold(chain.events)

    from .factories import registered_payload

    old = Chain()
    unsigned = registered_payload()
    old.add("case.registered", unsigned)
    old.add("case.handover", _covered(unsigned["case_id"], "a" * 64))
    with pytest.raises(ValidationError, match="不是本办件已签名的委托书"):
        fold(old.events)


def _at_window() -> tuple[Chain, str, CaseView]:
    """A 代办 case whose original went villager → clerk → window, done and rated."""
    chain, cid, reg = _registered()
    chain.add("case.handover", _covered(cid, _sha(reg)))
    chain.add("case.deliver", {"case_id": cid})
    chain.add("case.handover", signed_handover(cid, CLERK, "window", [CARD]))
    return chain, cid, fold(chain.events)[cid]


def _finish(chain: Chain, cid: str) -> None:
    chain.center("case.center_accept", {"case_id": cid})
    chain.center("case.center_complete", {"case_id": cid, "result": "已办结"})
    chain.add("case.give_feedback", _feedback(cid))


def test_an_original_the_town_reports_kept_does_not_block_archiving() -> None:
    chain, cid, view = _at_window()
    (handover,) = view.window_handovers
    chain.center(ACTION, receipt_payload(cid, handover, RECEIVED, "王窗口", "", kept={"居民身份证"}))
    _finish(chain, cid)
    view = fold(chain.events)[cid]
    assert list(kept_originals(view.window_handovers, view.window_receipts)) == ["居民身份证"]
    assert originals_blocking_archive(view) == []
    chain.add("case.archive", {"case_id": cid})  # no window → department handover, no station signature
    assert fold(chain.events)[cid].state is CaseState.ARCHIVED


def test_received_is_not_kept_and_a_later_word_can_take_kept_back() -> None:
    chain, cid, view = _at_window()
    (handover,) = view.window_handovers
    chain.center(ACTION, receipt_payload(cid, handover, RECEIVED, "王窗口", ""))
    _finish(chain, cid)
    chain.add("case.archive", {"case_id": cid})
    with pytest.raises(DomainError, match="居民身份证"):
        fold(chain.events)
    chain.events.pop()
    chain.center(ACTION, receipt_payload(cid, handover, RECEIVED, "王窗口", "", kept={"居民身份证"}))
    chain.center(ACTION, receipt_payload(cid, handover, RECEIVED, "王窗口", "更正：原件退还"))
    view = fold(chain.events)[cid]
    assert originals_blocking_archive(view) == ["居民身份证"]


def test_kept_needs_the_original_received_and_old_confirmations_hash_as_before() -> None:
    chain, cid, view = _at_window()
    (handover,) = view.window_handovers
    as_copy = receipt_payload(cid, handover, {("居民身份证", True): (1, False)}, "王窗口", "", kept={"居民身份证"})
    assert "kept" not in as_copy["items"][0]  # received as a 复印件: nothing the town could keep
    plain = receipt_payload(cid, handover, RECEIVED, "王窗口", "")
    assert plain["items"][0] == {
        "name": "居民身份证",
        "original": True,
        "copies": 1,
        "received_copies": 1,
        "received_original": True,
    }
    before: Event = chain.center(ACTION, plain)
    assert before.hash == Event.from_dict(before.to_dict()).hash
    assert content_hash(plain) == content_hash(dict(before.payload))
