"""The town center folds registrations with the 委托书 signed at the station, and refuses tampered ones."""

from __future__ import annotations

from typing import Any

from sync.domain.entrustment import DEFAULT_SCOPE, registration_content
from sync.domain.signature import Signature
from sync.domain.signing import content_hash

from .conftest import Station
from .factories import registered_payload
from .live_server import row_counts

STROKE = [(40 + 6 * i, 60 + (i % 5) * 15, 10 * i) for i in range(30)]


def signed_payload() -> dict[str, Any]:
    """A registration as the station writes it now: scope, both signature refs and their ink."""
    payload = {**registered_payload(), "scope": DEFAULT_SCOPE}
    content = content_hash(registration_content(payload))
    refs, ink = [], {}
    for signer, role in (("张三", "委托人"), ("李代办", "代办员")):
        sig = Signature.from_pad(signer, role, [STROKE], captured_at="2026-11-23T09:00:00+00:00")
        refs.append({"signer": signer, "role": role, "signature_sha256": sig.digest(), "content_sha256": content})
        ink[sig.digest()] = sig.to_dict()
    return {**payload, "signatures": refs, "signature_data": ink}


def test_a_signed_registration_is_stored_with_its_ink(station: Station) -> None:
    payload = signed_payload()
    station.chain.add("case.registered", payload)
    station.chain.add(
        "case.accept", {"case_id": payload["case_id"], "accepted_on": "2026-11-23", "due_on": "2026-11-30"}
    )
    reply = station.client.push(station.chain.events)
    assert reply.accepted == 2
    (stored, _) = list(station.client.iter_events())
    assert stored.payload["signatures"] == payload["signatures"]
    assert stored.payload["signature_data"] == payload["signature_data"]


def test_a_registration_changed_after_signing_is_refused(station: Station) -> None:
    payload = signed_payload()
    payload["applicant"] = {**payload["applicant"], "phone": "13900139000"}
    station.chain.add("case.registered", payload)
    (note,) = station.client.push(station.chain.events).refused
    assert "张三签名后内容已被修改，请重新签名" in note.message and note.field == "payload.signatures"
    counts = row_counts(station.server.database_url, station.station_id)
    assert (counts["events"], counts["cases"]) == (1, 0)  # kept in the chain, refused: no case


def test_an_unsigned_registration_of_before_is_still_accepted(station: Station) -> None:
    station.chain.new_case()
    assert station.client.push(station.chain.events).accepted == 3
