"""Wire models: round trips, strictness, version checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sync.protocol.models import ErrorBody, PushBatch, WireEvent
from sync.server.services.versions import check_protocol, parse_version

from .factories import Chain, registered_payload


def test_wire_event_round_trips_an_event_and_its_hash() -> None:
    chain = Chain("station-1")
    event = chain.add("case.registered", registered_payload())
    wire = WireEvent.from_event(event)
    assert wire.model_dump() == event.to_dict()
    back = wire.to_event()
    assert back == event
    assert back.compute_hash() == event.hash


def test_wire_event_from_json_keeps_chinese_payload() -> None:
    event = Chain("s").add("case.registered", registered_payload())
    wire = WireEvent.model_validate_json(WireEvent.from_event(event).model_dump_json())
    assert wire.payload["applicant"]["name"] == "张三"
    assert wire.to_event().compute_hash() == event.hash


@pytest.mark.parametrize(
    "change",
    [{"seq": 0}, {"hash": "xyz"}, {"prev_hash": "0" * 63}, {"origin": "elsewhere"}, {"unknown_field": 1}],
)
def test_wire_event_refuses_bad_fields(change: dict[str, object]) -> None:
    data = Chain("s").add("case.registered", registered_payload()).to_dict() | change
    with pytest.raises(ValidationError):
        WireEvent.model_validate(data)


def test_push_batch_requires_ids() -> None:
    with pytest.raises(ValidationError):
        PushBatch.model_validate({"batch_id": "", "station_id": "s", "events": []})
    assert PushBatch.model_validate({"batch_id": "b", "station_id": "s", "events": []}).events == []


def test_error_body_omits_empty_fields() -> None:
    body = ErrorBody(code="sequence_gap", message="数据不连续", expected_seq=3)
    assert body.model_dump(exclude_none=True) == {"code": "sequence_gap", "message": "数据不连续", "expected_seq": 3}


@pytest.mark.parametrize(
    ("client", "minimum", "accepted"),
    [("1.0", "1.0", True), ("1.3", "1.0", True), ("1.0", "1.1", False), ("0.9", "1.0", False), ("2.0", "1.0", False)],
)
def test_protocol_version_check(client: str, minimum: str, accepted: bool) -> None:
    refusal = check_protocol(client, minimum)
    assert (refusal is None) is accepted
    if refusal:
        assert "版本" in refusal


def test_protocol_version_garbage_is_refused_in_chinese() -> None:
    assert "无法识别" in (check_protocol("abc", "1.0") or "")


@pytest.mark.parametrize(
    "garbage", ["1.1.1.1.1", "1", "1.", ".1", " 1.1", "1.1\n", "v1.1", "１.１", "1_0.1", "+1.1", "1.-1", "12345.1", ""]
)
def test_protocol_version_is_parsed_strictly(garbage: str) -> None:
    assert parse_version(garbage) is None
    assert "无法识别" in (check_protocol(garbage, "1.0") or "")


def test_protocol_version_major_minor() -> None:
    assert parse_version("1.1") == (1, 1)
    assert parse_version("10.02") == (10, 2)
