"""The signed 委托书 of a registration: content, signatures, ink and older events."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sync.domain.case_rules import CaseState
from sync.domain.entrustment import DEFAULT_SCOPE, check_registration, registration_content
from sync.domain.errors import DomainError, ValidationError
from sync.domain.projection import CaseView, fold
from sync.domain.signature import Signature
from sync.domain.signing import content_hash

from .factories import Chain, registered_payload, signature_ref

STROKES = [[(40 + 6 * i, 60 + (i % 5) * 15, 10 * i) for i in range(30)]]


def _ink(signer: str, role: str) -> Signature:
    return Signature.from_pad(signer, role, STROKES, captured_at="2026-11-23T09:00:00+00:00")


def signed_registration(ink: bool = True, **extra: Any) -> dict[str, Any]:
    """A ``case.registered`` payload signed by the villager and the clerk (with their ink)."""
    payload = registered_payload(scope=DEFAULT_SCOPE, **extra)
    content = registration_content(payload)
    refs, data = [], {}
    for signer, role in (("张三", "委托人"), ("李代办", "代办员")):
        if ink:
            sig = _ink(signer, role)
            refs.append(
                {
                    "signer": signer,
                    "role": role,
                    "signature_sha256": sig.digest(),
                    "content_sha256": content_hash(content),
                }
            )
            data[sig.digest()] = sig.to_dict()
        else:
            refs.append(signature_ref(signer, role, content))
    payload["signatures"] = refs
    if data:
        payload["signature_data"] = data
    return payload


def _fold(payload: dict[str, Any]) -> dict[str, CaseView]:
    chain = Chain()
    chain.add("case.registered", payload)
    return fold(chain.events)


def test_content_leaves_out_the_case_number_and_id_but_covers_the_rest() -> None:
    one = registered_payload(case_no="CS01-20261123-0001")
    two = {**copy.deepcopy(one), "case_no": "CS01-20261124-0042", "case_id": "another-id"}
    assert content_hash(registration_content(one)) == content_hash(registration_content(two))
    content = registration_content(one)
    assert "case_no" not in content and "case_id" not in content
    assert content["scope"] == DEFAULT_SCOPE
    for change in (
        {"kind": "assist"},
        {"case_type": "immediate"},
        {"applicant": {**one["applicant"], "phone": "13900139000"}},
        {"item": {**one["item"], "promised_days": 10}},
        {"materials": [{**one["materials"][0], "present": False}]},
        {"scope": "仅代为递交材料。"},
    ):
        assert content_hash(registration_content({**one, **change})) != content_hash(content), change


def test_signed_registration_folds_with_its_ink() -> None:
    payload = signed_registration()
    refs = check_registration(payload)
    assert [r.role for r in refs] == ["委托人", "代办员"]
    assert {r.signature_sha256 for r in refs} == set(payload["signature_data"])  # both inks were there to be checked
    view = _fold(payload)[payload["case_id"]]
    assert (view.case_no, view.state) == (payload["case_no"], CaseState.DRAFT)


def test_the_case_number_given_after_signing_does_not_break_the_signatures() -> None:
    payload = signed_registration()
    signed = content_hash(registration_content(payload))
    payload["case_no"] = "CS01-20261123-0007"
    payload["case_id"] = "assigned-in-the-transaction"
    assert content_hash(registration_content(payload)) == signed  # numbering changes no signed byte
    refs = check_registration(payload)
    assert [(r.role, r.content_sha256) for r in refs] == [("委托人", signed), ("代办员", signed)]
    (view,) = _fold(payload).values()
    assert (view.case_id, view.case_no) == ("assigned-in-the-transaction", "CS01-20261123-0007")


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda p: p["applicant"].update(phone="13900139000"), "张三签名后内容已被修改"),
        (lambda p: p["materials"].append({"name": "户口簿", "original": True}), "签名后内容已被修改"),
        (lambda p: p.update(scope="代为领取补贴。"), "签名后内容已被修改"),
        (lambda p: p["signatures"][1].update(content_sha256="0" * 64), "李代办签名后内容已被修改"),
        (lambda p: p["signatures"].pop(), "需要2人签名"),
        (lambda p: p["signatures"][1].update(role="见证人"), "缺少代办员（受托人）的签名"),
        (lambda p: p["signatures"][0].update(role="代理人"), "缺少委托人的签名"),
        (lambda p: p.update(signatures="all good"), "签名记录不完整"),
    ],
)
def test_a_tampered_registration_is_refused_in_chinese(tamper: Any, message: str) -> None:
    payload = signed_registration()
    tamper(payload)
    with pytest.raises(ValidationError, match=message):
        _fold(payload)


def test_ink_that_does_not_match_its_reference_is_refused() -> None:
    payload = signed_registration()
    digest = payload["signatures"][0]["signature_sha256"]
    payload["signature_data"][digest]["signer"] = "李四"
    with pytest.raises(ValidationError, match="张三的签名笔迹与其校验值不符"):
        _fold(payload)
    payload = signed_registration()
    payload["signature_data"]["f" * 64] = payload["signature_data"].pop(digest)
    with pytest.raises(ValidationError, match="签名笔迹与签名记录不对应"):
        _fold(payload)
    payload = signed_registration()
    payload["signature_data"] = ["not", "a", "mapping"]
    with pytest.raises(ValidationError, match="签名笔迹数据已损坏"):
        _fold(payload)


def test_references_without_ink_are_enough() -> None:
    payload = signed_registration(ink=False)
    assert "signature_data" not in payload  # really no ink: only the references are checked
    refs = check_registration(payload)
    assert [(r.signer, r.role) for r in refs] == [("张三", "委托人"), ("李代办", "代办员")]
    assert _fold(payload)[payload["case_id"]].state == CaseState.DRAFT


def test_a_legacy_registration_without_signatures_still_folds() -> None:
    payload = registered_payload()
    assert "signatures" not in payload and "scope" not in payload
    assert check_registration(payload) == ()
    chain = Chain()
    chain.add("case.registered", payload)
    chain.add("case.accept", {"case_id": payload["case_id"], "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    view = fold(chain.events)[payload["case_id"]]
    assert (view.state, str(view.accepted_on), str(view.due_on)) == (CaseState.ACCEPTED, "2026-11-23", "2026-11-30")


def test_refusal_is_a_domain_error_the_server_maps() -> None:
    payload = signed_registration()
    payload["kind"] = "assist"
    with pytest.raises(DomainError, match="签名后内容已被修改"):  # refused for the signed content, not otherwise
        _fold(payload)
