"""Compact signature references of ``dbt-zdict-2`` (``encoding.compact_signed`` / ``restore_signed``).

Every signed event type round-trips to exactly the original event; what cannot be
compacted safely goes as it is; a wrong restoration (a tampered body, a mistake on
the center's side) breaks the declared chain head.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError as PydanticError

from sync.client.client import SyncClient
from sync.domain.custody import HandoverItem, handover_content
from sync.domain.entrustment import DEFAULT_SCOPE, registration_content
from sync.domain.errors import ChainBroken
from sync.domain.events import Event, canonical_json
from sync.domain.feedback import feedback_content
from sync.domain.signature import Signature
from sync.domain.signing import content_hash
from sync.protocol import encoding
from sync.protocol.models import PushBatch
from sync.protocol.push_dictionary_v1 import DICTIONARY as DICTIONARY_V1
from tests.sync.fake_center import JsonCenter, serving

from .factories import Chain, registered_payload, tampered

STROKE = [(40 + 6 * i, 60 + (i % 5) * 15, 10 * i) for i in range(30)]
TIME = "2026-11-23T09:00:00+00:00"
APPLICANT = ("张三", "委托人")
CLERK = ("李代办", "代办员")


def pad(signer: str, role: str) -> Signature:
    return Signature.from_pad(signer, role, [STROKE], captured_at=TIME)


def scan(signer: str, role: str) -> Signature:
    return Signature.from_scan(signer, role, b"photo of a paper signature", captured_at=TIME)


def signed(content: dict[str, Any], signatures: list[Signature], *, ink: bool = True) -> dict[str, Any]:
    """References over ``content`` (+ the ink), as ``desktop.services.casework.case_ops.signature_payload``
    writes them."""
    refs = [
        {"signer": s.signer, "role": s.role, "signature_sha256": s.digest(), "content_sha256": content_hash(content)}
        for s in signatures
    ]
    out: dict[str, Any] = {"signatures": refs}
    if ink:
        out["signature_data"] = {s.digest(): s.to_dict() for s in signatures}
    return out


def registration(*signatures: Signature) -> dict[str, Any]:
    payload = {**registered_payload(), "scope": DEFAULT_SCOPE}
    return payload | signed(registration_content(payload), list(signatures))


def handover(case_id: str, route: tuple[str, str], *signatures: Signature, note: str = "", ink: bool = True) -> dict:
    items = [HandoverItem("身份证"), HandoverItem("户口本", copies=2, pages=3)]
    content = handover_content(case_id, route[0], route[1], items, note)
    return content | signed(content, list(signatures), ink=ink)


def feedback(case_id: str, signature: Signature, comments: dict[str, str] | None = None) -> dict[str, Any]:
    comments = comments or {}
    content = feedback_content(case_id, True, 4, comments)
    (ref,) = signed(content, [signature])["signatures"]
    return {"case_id": case_id, "result_confirmed": True, "rating": 4, "comments": comments, "signature": ref} | {
        "signature_data": {signature.digest(): signature.to_dict()}
    }


def signed_chain() -> list[Event]:
    """Every signed event type, with pad and scan signatures, and older (unsigned, ink-less) payloads."""
    chain = Chain("station-1")
    reg = registration(pad(*APPLICANT), pad(*CLERK))
    case_id = reg["case_id"]
    chain.add("case.registered", reg)
    chain.add("case.handover", handover(case_id, ("villager", "clerk"), pad(*APPLICANT), pad(*CLERK)))
    chain.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    chain.add("case.handover", handover(case_id, ("clerk", "villager"), scan(*APPLICANT), pad(*CLERK), note="当面"))
    chain.add("case.give_feedback", feedback(case_id, pad(*APPLICANT), {"attitude": "很好"}))
    chain.add("case.registered", registration(scan(*APPLICANT), pad(*CLERK)) | {"blobs": ["a" * 64]})
    chain.add("case.registered", registered_payload())  # before the 委托书 was signed on screen
    chain.add("case.handover", handover(case_id, ("villager", "clerk"), pad(*APPLICANT), pad(*CLERK), ink=False))
    chain.add("case.give_feedback", feedback(case_id, scan(*APPLICANT)))
    return chain.events


def received(body: bytes, coding: str = encoding.DICT_V2) -> list[Event]:
    """What the center makes of a body: decode, validate, restore, expand."""
    batch = PushBatch.model_validate_json(encoding.decode(body, coding, 10_000_000))
    return encoding.expand_chain(e.to_event() for e in batch.events)


def wire(events: list[Event]) -> dict[str, Any]:
    return json.loads(encoding.push_body("b", "station-1", events, compact=True, signed=True))


def body_of(data: dict[str, Any]) -> bytes:
    return encoding.encode(json.dumps(data, ensure_ascii=False).encode("utf-8"), encoding.DICT_V2)


def test_every_signed_event_type_round_trips_exactly() -> None:
    events = signed_chain()
    got = received(encoding.encode_push("b", "station-1", events, encoding.DICT_V2))
    assert [canonical_json(e.to_dict()) for e in got] == [canonical_json(e.to_dict()) for e in events]
    assert [e.hash for e in got] == [e.hash for e in events]
    for event in events:  # one event alone is its own chain head
        (one,) = received(encoding.encode_push("b", "station-1", [event], encoding.DICT_V2))
        assert one == event


def test_references_lose_the_hashes_the_center_recomputes() -> None:
    events = signed_chain()
    items = wire(events)["events"]
    assert [("signed" in i) for i in items] == [True, True, False, True, True, True, False, True, True]
    first = items[0]
    assert "signatures" not in first["payload"] and "signature_data" not in first["payload"]
    for entry in first["signed"]:
        assert set(entry) == {"signer", "role", "ink"}
        assert "signer" not in entry["ink"] and "role" not in entry["ink"]
    assert items[4]["signed"][0]["signer"] == "张三" and "signature" not in items[4]["payload"]
    assert items[5]["payload"]["blobs"] == ["a" * 64]  # a scan's ink is small but it is still carried
    assert {"method", "image_sha256"} <= set(items[5]["signed"][0]["ink"])
    # without the ink kept, the signature's hash stays; the content hash still goes
    assert [set(e) for e in items[7]["signed"]] == [{"signer", "role", "signature_sha256"}] * 2
    assert items[6] == {k: v for k, v in events[6].to_dict().items() if k not in ("prev_hash", "hash")}
    body = json.dumps(items, ensure_ascii=False)
    assert "content_sha256" not in body


def test_the_signature_coding_is_smaller() -> None:
    events = signed_chain()[:5]
    v1 = len(encoding.encode_push("b", "station-1", events, encoding.DICT_V1))
    v2 = len(encoding.encode_push("b", "station-1", events, encoding.DICT_V2))
    assert v2 < v1 - 64 * 7  # at least a hash's worth per signature


def _one(payload: dict[str, Any], type: str = "case.handover") -> Event:
    chain = Chain("station-1")
    chain.add(type, payload)
    return chain.events[0]


def _unusual_payloads() -> Iterator[tuple[str, str, dict[str, Any]]]:
    case_id = "c-1"
    base = handover(case_id, ("villager", "clerk"), pad(*APPLICANT), pad(*CLERK))
    odd_ink = {k: v for k, v in pad(*APPLICANT).to_dict().items() if k != "signer"}  # an ink without its signer
    odd_digest = content_hash(odd_ink)
    refs = [dict(r) for r in base["signatures"]]
    refs[0]["signature_sha256"] = odd_digest
    yield (
        "ink without its signer",
        "case.handover",
        base | {"signatures": refs, "signature_data": {odd_digest: odd_ink}},
    )
    extra = [dict(r) | {"note": "x"} for r in base["signatures"]]
    yield "reference with an unknown field", "case.handover", base | {"signatures": extra}
    yield "unknown event type", "case.window_something", dict(base)
    yield "signatures not a list", "case.handover", base | {"signatures": {"a": 1}}
    yield "feedback with two refs", "case.give_feedback", base | {"signature": base["signatures"]}
    yield "reference not an object", "case.handover", base | {"signatures": ["张三"]}


@pytest.mark.parametrize(("why", "type", "payload"), list(_unusual_payloads()), ids=[u[0] for u in _unusual_payloads()])
def test_what_does_not_round_trip_goes_as_it_is(why: str, type: str, payload: dict[str, Any]) -> None:
    event = _one(payload, type)
    (item,) = wire([event])["events"]
    assert "signed" not in item, why
    assert item == event.to_dict()
    assert received(encoding.encode_push("b", "station-1", [event], encoding.DICT_V2)) == [event]


def test_partly_derivable_references_keep_what_the_center_cannot_recompute() -> None:
    case_id = "c-1"
    base = handover(case_id, ("villager", "clerk"), pad(*APPLICANT), pad(*CLERK))
    refs = [dict(r) for r in base["signatures"]]
    refs[1]["content_sha256"] = "0" * 64  # signed over something else: the fold will refuse it, the wire keeps it
    stray = pad("王五", "见证人")
    inks = dict(base["signature_data"]) | {stray.digest(): stray.to_dict()}  # an ink no reference names
    event = _one(base | {"signatures": refs, "signature_data": inks})
    (item,) = wire([event])["events"]
    assert [set(e) for e in item["signed"]] == [{"signer", "role", "ink"}, {"signer", "role", "ink", "content_sha256"}]
    assert list(item["payload"]["signature_data"]) == [stray.digest()]
    assert received(encoding.encode_push("b", "station-1", [event], encoding.DICT_V2)) == [event]
    # a registration signed over the wrong content (no scope): its content hash is carried
    reg = registered_payload()
    event = _one(reg | signed(reg, [pad(*APPLICANT), pad(*CLERK)]), "case.registered")
    (item,) = wire([event])["events"]
    assert all("content_sha256" in e for e in item["signed"])
    assert received(encoding.encode_push("b", "station-1", [event], encoding.DICT_V2)) == [event]


def test_tampered_signatures_break_the_declared_head() -> None:
    events = signed_chain()
    for n in (0, 1, 3, 4):
        changed = list(events)
        other = pad(*APPLICANT) if n != 4 else scan(*APPLICANT)
        payload = json.loads(json.dumps(events[n].payload))
        inks = payload["signature_data"]
        first = next(iter(inks))
        inks[first] = other.to_dict() | {"captured_at": "2026-11-24T09:00:00+00:00"}
        changed[n] = tampered(events[n], payload=payload)  # old hash kept
        with pytest.raises(ChainBroken, match="篡改"):
            received(encoding.encode_push("b", "station-1", changed, encoding.DICT_V2))


def _edit_wire(edit: Any) -> bytes:
    data = wire(signed_chain())
    edit(data["events"])
    return body_of(data)


@pytest.mark.parametrize(
    "edit",
    [
        lambda e: e[1]["signed"][0]["ink"].update(captured_at="2026-11-24T09:00:00+00:00"),
        lambda e: e[1]["signed"][0].update(content_sha256="0" * 64),
        lambda e: e[1]["signed"].reverse(),
        lambda e: e[0]["signed"][0]["ink"].update(role="代办员"),
        lambda e: e[4]["payload"].update(rating=5),
        lambda e: e[7]["signed"][0].update(content_sha256=e[7]["signed"][1]["signature_sha256"]),
    ],
    ids=["ink", "content", "order", "ink role", "feedback rating", "ink-less content"],
)
def test_a_changed_compact_body_breaks_the_declared_head(edit: Any) -> None:
    with pytest.raises(ChainBroken, match="篡改"):
        received(_edit_wire(edit))


def test_a_mistake_in_the_centers_restoration_breaks_the_declared_head(monkeypatch: pytest.MonkeyPatch) -> None:
    body = encoding.encode_push("b", "station-1", signed_chain(), encoding.DICT_V2)
    assert received(body)
    restore = encoding.restore_signed

    def careless(kind: str, payload: Any, signed: Any, seq: int = 0) -> dict[str, Any]:
        out = restore(kind, payload, signed, seq)
        out.pop("signature_data", None)  # e.g. forgets the ink
        return out

    monkeypatch.setattr(encoding, "restore_signed", careless)
    with pytest.raises(ChainBroken, match="篡改"):
        received(body)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda e: e[2].update(signed=[{"signer": "张三", "role": "委托人"}]), "第3号记录的签名记录无法还原"),
        (lambda e: e[0]["payload"].update(signatures=[]), "第1号记录的签名记录无法还原"),
        (lambda e: e[0]["signed"][0].update(signature_sha256="0" * 64), "第1号记录的签名记录无法还原"),
        (lambda e: e[0]["signed"][0].update(extra=1), "第1号记录的签名记录无法还原"),
        (lambda e: e[0]["signed"][0].update(ink="笔迹"), "第1号记录的签名记录无法还原"),
        (lambda e: e[4]["signed"].append(e[4]["signed"][0]), "第5号记录的签名记录无法还原"),
        (lambda e: e[7]["payload"].update(items="身份证"), "第8号记录的签名记录无法还原"),
        (lambda e: e[1]["signed"].append(e[1]["signed"][0]), "第2号记录的签名记录无法还原"),
    ],
    ids=[
        "unknown type",
        "both forms",
        "ink and hash",
        "unknown field",
        "ink not a dict",
        "two feedback refs",
        "no content to hash",
        "same ink twice",
    ],
)
def test_compact_references_that_cannot_be_restored_are_refused_in_chinese(edit: Any, message: str) -> None:
    with pytest.raises(ChainBroken, match=message):
        received(_edit_wire(edit))


def test_malformed_signed_lists_are_invalid_requests() -> None:
    for bad in ({"a": 1}, [], ["x"], [{}] * 21):
        data = wire(signed_chain())
        data["events"][0]["signed"] = bad
        with pytest.raises(PydanticError):
            PushBatch.model_validate_json(encoding.decode(body_of(data), encoding.DICT_V2, 10_000_000))


# --- a center that knows dbt-zdict-1 only ---------------------------------------------------------------------


class _V1Center(JsonCenter):
    """A protocol-1.1 center from before dbt-zdict-2: offers and inflates dbt-zdict-1 and gzip only."""

    codings: list[str]
    handshake: bool

    def do_POST(self) -> None:
        coding = self.headers.get("Content-Encoding", "")
        data = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path.endswith("/sync/handshake"):
            reply = {"accepted": True, "server_version": "1.0", "protocol_version": "1.1"}
            self._answer(200, reply | {"push_encodings": [encoding.DICT_V1, encoding.GZIP]})
            return
        self.codings.append(coding)
        if coding != encoding.DICT_V1:
            self._answer(415, {"code": "unsupported_encoding", "message": "不支持"}, f"{encoding.DICT_V1}, gzip")
            return
        inflater = zlib.decompressobj(-15, zdict=DICTIONARY_V1.encode("utf-8"))
        body = json.loads(inflater.decompress(data))
        events = body["events"]
        assert all("signed" not in e for e in events)  # its PushEvent forbids unknown fields
        reply = {"batch_id": body["batch_id"], "acked_seq": events[-1]["seq"], "accepted": len(events)}
        self._answer(200, reply)


@pytest.fixture
def v1_center() -> Iterator[tuple[str, list[str]]]:
    with serving(_V1Center) as center:
        yield center


def test_a_v1_center_gets_v1_after_the_handshake(v1_center: tuple[str, list[str]]) -> None:
    url, codings = v1_center
    client = SyncClient(url, token="t")
    assert client.handshake("station-1").push_encodings == [encoding.DICT_V1, encoding.GZIP]
    assert client.push_encoding == encoding.DICT_V1
    assert client.push(signed_chain()).acked_seq == 9
    assert codings == [encoding.DICT_V1]


def test_a_v1_center_refusing_v2_gets_v1_not_gzip(v1_center: tuple[str, list[str]]) -> None:
    url, codings = v1_center
    client = SyncClient(url, token="t")
    assert client.push_encoding == encoding.DICT_V2
    assert client.push(signed_chain()).acked_seq == 9
    assert codings == [encoding.DICT_V2, encoding.DICT_V1]
    assert client.push_encoding == encoding.DICT_V1
