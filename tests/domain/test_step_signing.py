"""中止 and 续办 confirmed by the villager: the schema, the fold's check of his signature, older events."""

from __future__ import annotations

from typing import Any

import pytest

from sync.domain.case_rules import CaseState
from sync.domain.errors import ValidationError
from sync.domain.events import Event
from sync.domain.payloads import parse_event, parse_payload
from sync.domain.projection import fold
from sync.domain.signature import Signature
from sync.domain.signing import content_hash
from sync.domain.step_signing import check_step_signature, signature_note, step_content

from .factories import SIGNED_AT, Chain, registered_payload


def _signed(action: str, case_id: str, reason: str, restart: str = "", role: str = "委托人") -> dict[str, Any]:
    """The payload keys of a pad signature by 张三 over the step's content, the ink kept."""
    content = content_hash(step_content(action, case_id, reason, restart))
    stroke = [(40 + i * 25, 60 + (i % 2) * 70, i * 30, 0.5) for i in range(12)]
    sig = Signature.from_pad("张三", role, [stroke], captured_at=SIGNED_AT)
    ref = {"signer": "张三", "role": role, "signature_sha256": sig.digest(), "content_sha256": content}
    return {"signatures": [ref], "signature_data": {sig.digest(): sig.to_dict()}}


def _accepted() -> tuple[Chain, str]:
    chain = Chain()
    reg = registered_payload()
    cid = reg["case_id"]
    chain.add("case.registered", reg)
    chain.add("case.accept", {"case_id": cid, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    return chain, cid


def test_old_events_without_reason_or_signature_still_parse_and_fold_with_their_hashes() -> None:
    chain, cid = _accepted()
    stop = chain.add("case.suspend", {"case_id": cid, "reason": "等待鉴定", "suspended_on": "2026-11-24"})
    go_on = chain.add("case.resume", {"case_id": cid, "resumed_on": "2026-11-26", "suspended_days": 2})
    for event in (stop, go_on):
        parse_event(event)
        assert Event.from_dict(event.to_dict()).compute_hash() == event.hash  # parsing rewrites nothing
        assert signature_note(event.payload) == ""
    assert fold(chain.events)[cid].state is CaseState.ACCEPTED


def test_signed_suspend_and_paper_resume_fold() -> None:
    chain, cid = _accepted()
    stop = {"case_id": cid, "reason": "等待鉴定", "restart_condition": "结论送达", "suspended_on": "2026-11-24"}
    stop.update(_signed("suspend", cid, "等待鉴定", "结论送达"))
    chain.add("case.suspend", stop)
    chain.add("case.resume", {"case_id": cid, "reason": "结论已送达", "signed_on_paper": True})
    assert fold(chain.events)[cid].state is CaseState.ACCEPTED
    assert parse_payload("case.suspend", stop).get("signatures")[0]["role"] == "委托人"
    assert signature_note(stop) == "申请人张三已签名"
    assert signature_note(chain.events[-1].payload) == "申请人签在纸上"


def test_a_signature_over_other_words_is_refused_by_the_fold() -> None:
    chain, cid = _accepted()
    stop = {"case_id": cid, "reason": "等待鉴定（改过）", "restart_condition": "结论送达"}
    stop.update(_signed("suspend", cid, "等待鉴定", "结论送达"))
    with pytest.raises(ValidationError, match="签名后内容已被修改"):
        check_step_signature("suspend", stop)
    chain.add("case.suspend", stop)
    with pytest.raises(ValidationError):
        fold(chain.events)


def test_the_resumption_must_be_signed_by_the_villager_and_not_both_ways() -> None:
    _, cid = _accepted()
    by_clerk = {"case_id": cid, "reason": "结论已送达", **_signed("resume", cid, "结论已送达", role="代办员")}
    with pytest.raises(ValidationError, match="续办委托书缺少申请人"):
        check_step_signature("resume", by_clerk)
    both = {"case_id": cid, "reason": "结论已送达", "signed_on_paper": True, **_signed("resume", cid, "结论已送达")}
    with pytest.raises(ValidationError, match="签在纸上"):
        check_step_signature("resume", both)


def test_the_schema_types_the_new_fields() -> None:
    with pytest.raises(ValidationError) as refused:
        parse_payload("case.resume", {"case_id": "c1", "reason": "x" * 3000})
    assert refused.value.field == "reason" and "续办事由" in str(refused.value)
    with pytest.raises(ValidationError) as flag:
        parse_payload("case.suspend", {"case_id": "c1", "signed_on_paper": "是"})
    assert flag.value.field == "signed_on_paper"
