"""The center's case history shows a 中止/续办 with its reason and how the villager confirmed it."""

from __future__ import annotations

from sync.server.services.dashboard import _describe

REF = {"signer": "王秀英", "role": "委托人", "signature_sha256": "a" * 64, "content_sha256": "b" * 64}


def test_history_lines_carry_the_reason_and_the_villagers_signature() -> None:
    signed = _describe("case.suspend", {"case_id": "c", "reason": "等待鉴定", "signatures": [REF]})
    assert signed == "原因：等待鉴定；申请人王秀英已签名"
    on_paper = _describe("case.resume", {"case_id": "c", "reason": "结论已送达", "signed_on_paper": True})
    assert on_paper == "原因：结论已送达；申请人签在纸上"
    assert _describe("case.resume", {"case_id": "c", "due_on": "2026-12-03"}) == "到期日：2026-12-03"  # older
