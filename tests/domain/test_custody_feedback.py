from __future__ import annotations

from typing import Any

import pytest

from sync.domain.case_rules import CaseState
from sync.domain.custody import originals_out
from sync.domain.errors import DomainError, ValidationError
from sync.domain.feedback import feedback_content
from sync.domain.projection import CaseView, fold, view_from_dict, view_to_dict

from .factories import Chain, registered_payload, signature_ref, signed_handover

BOOK = {"name": "户口簿", "original": True, "copies": 1, "pages": 4}
ID_COPY = {"name": "身份证复印件", "original": False, "copies": 2}


def _accepted() -> tuple[Chain, str]:
    chain = Chain()
    reg = registered_payload()
    cid = reg["case_id"]
    chain.add("case.registered", reg)
    chain.add("case.accept", {"case_id": cid, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    return chain, cid


def _feedback(cid: str, rating: int = 5, **comments: str) -> dict[str, Any]:
    content = feedback_content(cid, True, rating, comments)
    return {**content, "signature": signature_ref("张三", "委托人", content)}


def _to_done(chain: Chain, cid: str, rating: int = 5) -> CaseView:
    chain.add("case.deliver", {"case_id": cid})
    chain.center("case.center_accept", {"case_id": cid})
    chain.center("case.center_complete", {"case_id": cid, "result": "已办结"})
    chain.add("case.give_feedback", _feedback(cid, rating))
    return fold(chain.events)[cid]


def test_custody_follows_each_original() -> None:
    chain, cid = _accepted()
    chain.add("case.handover", signed_handover(cid, "villager", "clerk", [BOOK, ID_COPY]))
    assert fold(chain.events)[cid].custody == (("户口簿", "clerk"),)
    chain.add("case.handover", signed_handover(cid, "clerk", "window", [BOOK]))
    view = fold(chain.events)[cid]
    assert dict(view.custody) == {"户口簿": "window"}
    assert originals_out(view.custody) == ["户口簿"]


def test_archive_is_refused_while_an_original_is_out_and_names_it() -> None:
    chain, cid = _accepted()
    chain.add("case.handover", signed_handover(cid, "villager", "clerk", [BOOK]))
    _to_done(chain, cid)
    chain.add("case.archive", {"case_id": cid})
    with pytest.raises(DomainError, match="户口簿"):
        fold(chain.events)
    chain.events.pop()
    chain.add("case.handover", signed_handover(cid, "clerk", "villager", [BOOK]))
    chain.add("case.archive", {"case_id": cid})
    assert fold(chain.events)[cid].state is CaseState.ARCHIVED


def test_original_handed_to_department_on_record_allows_archive() -> None:
    chain, cid = _accepted()
    chain.add("case.handover", signed_handover(cid, "villager", "clerk", [BOOK]))
    chain.add("case.handover", signed_handover(cid, "clerk", "department", [BOOK]))
    _to_done(chain, cid)
    chain.add("case.archive", {"case_id": cid})
    assert fold(chain.events)[cid].state is CaseState.ARCHIVED


def test_handover_of_an_original_the_giver_does_not_hold_is_refused() -> None:
    chain, cid = _accepted()
    chain.add("case.handover", signed_handover(cid, "clerk", "window", [BOOK]))
    with pytest.raises(ValidationError, match="目前在申请人处"):
        fold(chain.events)


def test_changing_signed_content_needs_a_new_signature() -> None:
    chain, cid = _accepted()
    payload = signed_handover(cid, "villager", "clerk", [BOOK])
    payload["items"] = [{**BOOK, "copies": 2}]
    chain.add("case.handover", payload)
    with pytest.raises(ValidationError, match="签名后内容已被修改") as err:
        fold(chain.events)
    assert err.value.field == "signatures"


def test_handover_needs_both_signatures_and_a_known_route() -> None:
    chain, cid = _accepted()
    payload = signed_handover(cid, "villager", "clerk", [BOOK])
    payload["signatures"] = payload["signatures"][:1]
    chain.add("case.handover", payload)
    with pytest.raises(ValidationError, match="需要2人签名"):
        fold(chain.events)
    chain.events.pop()
    chain.add("case.handover", signed_handover(cid, "villager", "window", [BOOK]))
    with pytest.raises(ValidationError, match="不支持"):
        fold(chain.events)


def test_feedback_flags_bad_rating_until_the_center_follows_up() -> None:
    chain, cid = _accepted()
    view = _to_done(chain, cid, rating=2)
    assert view.rating == 2 and view.rating_bad and not view.rating_followed_up
    chain.center("case.center_close_rating", {"case_id": cid, "note": "已回访整改"})
    assert fold(chain.events)[cid].rating_followed_up


def test_feedback_signature_must_cover_the_rating() -> None:
    chain, cid = _accepted()
    chain.add("case.deliver", {"case_id": cid})
    chain.center("case.center_accept", {"case_id": cid})
    chain.center("case.center_complete", {"case_id": cid, "result": "已办结"})
    payload = _feedback(cid, 1)
    payload["rating"] = 5
    chain.add("case.give_feedback", payload)
    with pytest.raises(ValidationError, match="签名后内容已被修改"):
        fold(chain.events)


def test_old_feedback_events_with_only_a_rating_still_fold() -> None:
    chain, cid = _accepted()
    chain.add("case.deliver", {"case_id": cid})
    chain.center("case.center_accept", {"case_id": cid})
    chain.center("case.center_complete", {"case_id": cid, "result": "已办结"})
    chain.add("case.give_feedback", {"case_id": cid, "rating": 5, "signature": {"strokes": []}})
    assert fold(chain.events)[cid].state is CaseState.FEEDBACK_DONE


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": False}, "征得申请人同意"),
        ({"reason": " "}, "延期理由"),
        ({"requested_on": "2026-12-01"}, "超过期限后申请延期按超期处理"),
    ],
)
def test_extension_needs_consent_reason_and_an_open_deadline(changes: dict[str, Any], message: str) -> None:
    chain, cid = _accepted()
    payload = {"case_id": cid, "due_on": "2026-12-04", "reason": "需现场核查", "consent": True}
    payload["requested_on"] = "2026-11-30"
    payload.update(changes)
    chain.add("case.extend", payload)
    with pytest.raises(DomainError, match=message):
        fold(chain.events)


def test_extension_on_the_due_day_moves_the_deadline() -> None:
    chain, cid = _accepted()
    payload = {"case_id": cid, "due_on": "2026-12-04", "reason": "需现场核查", "consent": True}
    chain.add("case.extend", {**payload, "requested_on": "2026-11-30"})
    view = fold(chain.events)[cid]
    assert str(view.due_on) == "2026-12-04" and view.extended


def test_case_type_override_needs_a_reason_and_round_trips() -> None:
    chain, cid = _accepted()
    chain.add("case.set_case_type", {"case_id": cid, "case_type": "joint", "reason": "涉及民政和残联"})
    chain.add("case.attach", {"case_id": cid, "sha256": "b" * 64, "filename": "a.jpg", "size": 3, "mime": "image/jpeg"})
    chain.add("case.suspend", {"case_id": cid, "reason": "等待鉴定", "suspended_on": "2026-11-25"})
    view = fold(chain.events)[cid]
    assert view.case_type.label == "联办件" and view.attachment_count == 1
    assert str(view.suspended_on) == "2026-11-25"
    assert view_from_dict(view_to_dict(view)) == view
    chain.add("case.set_case_type", {"case_id": cid, "case_type": "joint", "reason": ""})
    with pytest.raises(ValidationError, match="理由"):
        fold(chain.events)
