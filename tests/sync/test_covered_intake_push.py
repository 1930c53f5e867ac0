"""The town center folds an intake handover resting on the signed 委托书, and refuses one that does not match."""

from __future__ import annotations

from typing import Any

from sync.domain.custody import CLERK, VILLAGER, HandoverItem, covered_payload, handover_content

from .conftest import Station
from .test_registration_push import signed_payload

CARD = HandoverItem("身份证", True, 1)  # what registered_payload lists as submitted


def _registered(station: Station) -> tuple[str, str]:
    payload = signed_payload()
    station.chain.add("case.registered", payload)
    return str(payload["case_id"]), str(payload["signatures"][0]["content_sha256"])


def _covered(case_id: str, sha: str, item: HandoverItem = CARD) -> dict[str, Any]:
    return covered_payload(handover_content(case_id, VILLAGER, CLERK, [item]), sha)


def test_the_center_folds_the_covered_intake(station: Station) -> None:
    case_id, sha = _registered(station)
    station.chain.add("case.handover", _covered(case_id, sha))
    assert station.client.push(station.chain.events).accepted == 2


def test_the_center_refuses_a_covered_intake_the_entrustment_does_not_list(station: Station) -> None:
    case_id, sha = _registered(station)
    station.chain.add("case.handover", _covered(case_id, sha, HandoverItem("户口簿", True, 1)))
    reply = station.client.push(station.chain.events)
    (note,) = reply.refused
    assert "与委托书所列已提交材料不符" in note.message
