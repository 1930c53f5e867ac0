"""Issue 15, hostile payloads over real HTTP (SQLite and PostgreSQL): never a 500, always a machine-readable
refusal naming the field, and nothing of the refused content reaches a case.

For every station event type and every field of its schema: a NUL, a wrong type (an object for a text, a
text for a list, a list of integers for a list of objects), an out-of-range date and an oversize text. Each
bad event is refused on its own and kept in the chain (``refused``, changing nothing); a lone surrogate,
which no station can hash, refuses its batch (422) and stores nothing at all.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from bench.bench_hostile import minimal_payload
from sync.client.errors import Rejected
from sync.domain.events import Event, new_event
from sync.domain.payload_fields import Kind, Spec
from sync.domain.payloads import SCHEMAS
from sync.server.core.db import make_engine

from .conftest import Station
from .live_server import row_counts

STATION_TYPES = sorted(t for t in SCHEMAS if not t.startswith("case.center_"))


def _bad_values(spec: Spec) -> list[tuple[str, Any]]:
    """(what, value) of the hostile values for one field."""
    if spec.kind in (Kind.TEXT, Kind.NAME, Kind.CHOICE):
        return [("nul", "城南\x00三组"), ("object", {"a": 1}), ("oversize", "张" * 100_000), ("list", [1])]
    if spec.kind is Kind.DATE:
        return [("ancient", "0001-01-01"), ("far", "2999-01-01"), ("garbage", "23/11/2026"), ("number", 20261123)]
    if spec.kind is Kind.INT:
        return [("text", "5"), ("huge", 2**62), ("negative", -1)]
    if spec.kind is Kind.BOOL:
        return [("text", "是")]
    if spec.kind in (Kind.TEXTS, Kind.LIST):
        return [("text", "身份证"), ("ints", [1, 2]), ("object", {"a": 1}), ("nul", ["\x00"])]
    if spec.kind is Kind.OBJECT:
        return [("text", "字符串"), ("list", [1]), ("nul", {"a": "\x00"})]
    return [("nul", {"a": "\x00"}), ("control", ["\x1b"])]


def _variants(event_type: str) -> list[tuple[str, dict[str, Any]]]:
    """(field path, payload) with one hostile value each, the rest valid."""
    specs = SCHEMAS[event_type]
    base = minimal_payload(specs)
    out = []
    for spec in specs:
        for _what, value in _bad_values(spec):
            out.append((spec.key, {**base, spec.key: value}))
        if spec.kind is Kind.OBJECT:
            inside = minimal_payload(spec.fields)
            for inner in spec.fields:
                for _what, value in _bad_values(inner):
                    out.append((f"{spec.key}.{inner.key}", {**base, spec.key: {**inside, inner.key: value}}))
    return out


def _chain(station: Station, payloads: list[tuple[str, dict[str, Any]]]) -> list[Event]:
    events = []
    for event_type, payload in payloads:
        events.append(station.chain.add(event_type, payload))
    return events


def _refused_rows(database_url: str, station_id: str) -> dict[int, tuple[str | None, str | None]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT seq, refused, refused_field FROM events WHERE station_id = :s"), {"s": station_id}
            )
            return {int(seq): (refused, field) for seq, refused, field in rows}
    finally:
        engine.dispose()


@pytest.mark.parametrize("event_type", STATION_TYPES)
def test_every_hostile_field_is_refused_by_name_and_changes_nothing(station: Station, event_type: str) -> None:
    variants = _variants(event_type)
    events = _chain(station, [(event_type, payload) for _path, payload in variants])
    reply = station.client.push(events)  # one batch: each event refused on its own, none fails the batch
    assert reply.acked_seq == len(events) and reply.accepted == 0
    notes = {n.event_id: n for n in reply.refused}
    assert set(notes) == {e.id for e in events}
    for event, (path, _payload) in zip(events, variants, strict=True):
        note = notes[event.id]
        assert note.field is not None and note.field.startswith(f"payload.{path}"), (path, note)
        assert note.message.startswith("镇中心拒收") and note.message.isprintable()
    rows = _refused_rows(station.server.database_url, station.station_id)
    assert all(refused for refused, _field in rows.values())
    assert row_counts(station.server.database_url, station.station_id)["cases"] == 0

    # an older client hears the same, one event at a time, as a 422 with code, field and event id
    station.client.per_event_refusals = False
    (path, payload), *_ = variants
    event = station.chain.add(event_type, payload)
    with pytest.raises(Rejected) as caught:
        station.client.push([event])
    assert (caught.value.status, caught.value.code, caught.value.event_id) == (422, "rejected", event.id)
    assert caught.value.field is not None and caught.value.field.startswith(f"payload.{path}")


@pytest.mark.parametrize("event_type", ["case.registered", "case.withdraw", "audit.export"])
def test_a_lone_surrogate_refuses_its_batch_and_stores_nothing(station: Station, event_type: str) -> None:
    specs = SCHEMAS[event_type]
    text_key = next(s.key for s in specs if s.kind is Kind.TEXT and s.key != "case_id")
    payload = {**minimal_payload(specs), text_key: "城南\ud800"}
    event = new_event(
        station_id=station.station_id,
        seq=1,
        prev_hash="0" * 64,
        type=event_type,
        payload={**minimal_payload(specs)},
        actor="李代办",
        occurred_at=station.chain.clock.stamp(),
    )
    body = {
        "batch_id": "b-surrogate",
        "station_id": station.station_id,
        "events": [{**event.to_dict(), "payload": payload}],
    }
    headers = {"Authorization": f"Bearer {station.client.token}", "Content-Type": "application/json"}
    data = _json_with_escapes(body)
    response = requests.post(station.server.url + "/api/v1/sync/push", data=data, headers=headers, timeout=10)
    assert response.status_code == 422
    assert response.json()["code"] == "rejected" and response.json()["field"] == f"payload.{text_key}"
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0


def _json_with_escapes(body: dict[str, Any]) -> bytes:
    """JSON with every non-ASCII character escaped (``\\ud800`` stays a lone escape, as a hostile client sends)."""
    return json.dumps(body, ensure_ascii=True).encode("ascii")


@pytest.mark.parametrize("batch_id", ["b\x00", "b\x1b[2J", "b\ufffe", "\U000f0000"])
def test_a_batch_id_the_center_cannot_keep_refuses_the_batch(station: Station, batch_id: str) -> None:
    """A batch id is stored with the batch: one PostgreSQL cannot hold (a NUL) or the rules refuse is a 422 in
    Chinese naming ``batch_id``, never a 500, and nothing of the batch is stored."""
    station.chain.new_case()
    body = {
        "batch_id": batch_id,
        "station_id": station.station_id,
        "events": [e.to_dict() for e in station.chain.events],
    }
    headers = {"Authorization": f"Bearer {station.client.token}", "Content-Type": "application/json"}
    data = _json_with_escapes(body)
    response = requests.post(station.server.url + "/api/v1/sync/push", data=data, headers=headers, timeout=10)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "batch_id" and "编号不正确" in response.json()["message"]
    assert row_counts(station.server.database_url, station.station_id) == {
        "events": 0,
        "batches": 0,
        "cases": 0,
        "center_events": 0,
    }
