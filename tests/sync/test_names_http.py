"""Issue 13 on the wire (SQLite and PostgreSQL): the corpus names arrive and come back exactly; a NUL, a lone
surrogate or a private-use code point in a pushed or imported event is a 422 naming the field, never a 500."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile

import pytest
import requests
import sqlalchemy as sa

from sync.client.errors import Rejected
from sync.client.transfer import export_unsent
from sync.protocol import encoding
from sync.protocol.transfer import signing_key
from sync.server.core.db import make_engine
from sync.server.services.errors import ServiceError
from sync.server.services.transfer import ImportResult, import_station_file
from tests.domain.factories import SIGNED_AT as MADE_AT
from tests.domain.names_corpus import NAMES

from .conftest import Station
from .factories import registered_payload
from .live_server import center_sessions, row_counts
from .test_transfer import _import


def _registration(station: Station, name: str, address: str, n: int = 1) -> dict[str, object]:
    payload = registered_payload(case_no=f"CS01-20261123-{n:04d}")
    payload["applicant"] = {**payload["applicant"], "name": name, "address": address}  # type: ignore[dict-item]
    return payload


def _stored_case(database_url: str, case_id: str) -> dict[str, object]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            data = conn.execute(sa.text("SELECT data FROM cases WHERE case_id = :c"), {"c": case_id}).scalar_one()
    finally:
        engine.dispose()
    return data if isinstance(data, dict) else json.loads(data)


def test_corpus_names_survive_the_center_exactly(station: Station) -> None:
    sent = []
    for n, key in enumerate(sorted(NAMES), start=1):
        address = f"{NAMES['ext_e'][-1]}家村{NAMES['ext_b'][1]}组{n}号"
        sent.append((station.chain.add("case.registered", _registration(station, NAMES[key], address, n)), key))
    station.client.push(station.chain.events)
    back = {e.id: e for e in station.client.iter_events()}
    for event, key in sent:
        assert back[event.id].to_dict() == event.to_dict()
        assert back[event.id].payload["applicant"]["name"] == NAMES[key]
        stored = _stored_case(station.server.database_url, str(event.payload["case_id"]))
        assert stored["applicant"]["name"] == NAMES[key]  # type: ignore[index]
        assert stored["applicant"]["address"] == event.payload["applicant"]["address"]  # type: ignore[index]


@pytest.mark.parametrize(("bad", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\ue000", "U+E000")])
def test_a_bad_character_in_a_pushed_address_is_refused_naming_the_field(station: Station, bad: str, code: str) -> None:
    station.chain.new_case()
    station.client.push(station.chain.events)  # 1..3 stored
    event = station.chain.add("case.registered", _registration(station, "王秀英", f"西村{bad}3号", 2))
    (note,) = station.client.push([event]).refused
    assert (note.field, note.event_id) == ("payload.applicant.address", event.id)
    assert "住址（payload.applicant.address）" in note.message and code in note.message
    counts = row_counts(station.server.database_url, station.station_id)
    assert (counts["events"], counts["cases"]) == (4, 1)  # kept in the chain, refused: no case
    assert station.client.digest().last_seq == 4
    # an older station hears it as a 422 naming the field
    station.client.per_event_refusals = False
    again = station.chain.add("case.registered", _registration(station, "王秀英", f"西村{bad}5号", 3))
    with pytest.raises(Rejected) as caught:
        station.client.push([again])
    assert (caught.value.status, caught.value.code, caught.value.field) == (
        422,
        "rejected",
        "payload.applicant.address",
    )


def _post(station: Station, body: bytes) -> requests.Response:
    headers = {"Authorization": f"Bearer {station.client.token}", "Content-Type": "application/json"}
    return requests.post(station.server.url + "/api/v1/sync/push", data=body, headers=headers, timeout=10)


def _body_with(station: Station, old: str, new: str) -> bytes:
    """A full push batch of one new case whose JSON text has ``old`` replaced by ``new`` (an escape, say)."""
    station.chain.new_case()
    batch = {
        "batch_id": "b-bad",
        "station_id": station.station_id,
        "events": [e.to_dict() for e in station.chain.events],
    }
    text = json.dumps(batch, ensure_ascii=True)
    assert old in text
    return text.replace(old, new, 1).encode("ascii")


@pytest.mark.parametrize(
    ("old", "new", "code", "field"),
    [
        ('"address": "\\u4e00\\u7ec4"', '"address": "\\u4e00\\ud800"', "rejected", "payload.applicant.address"),
        ('"address": "\\u4e00\\u7ec4"', '"address": "\\udfff\\u0000"', "rejected", "payload.applicant.address"),
        # a NUL put into the JSON after hashing: the event no longer matches its hash (a tampered batch)
        ('"name": "\\u5f20\\u4e09"', '"name": "\\u5f20\\u0000"', "chain_broken", "hash"),
        ('"special_groups"', '"special\\u0000groups"', "chain_broken", "hash"),
    ],
)
def test_escapes_of_lone_surrogates_and_nul_over_raw_http_are_422(
    station: Station, old: str, new: str, code: str, field: str
) -> None:
    response = _post(station, _body_with(station, old, new))
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert "镇中心拒收第1号记录" in body["message"] or code == "chain_broken"
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0
    # the same station's valid events still go through afterwards (the refusal changed nothing)
    assert station.client.push(station.chain.events).acked_seq == 3


def test_a_lone_surrogate_in_a_typed_field_is_a_422_in_chinese(station: Station) -> None:
    response = _post(station, _body_with(station, '"actor": "\\u674e', '"actor": "\\ud83d\\u674e'))
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_request", "events.0.actor")
    assert "无法识别的字符" in body["message"]
    assert station.client.push(station.chain.events).acked_seq == 3


def test_a_compact_batch_with_a_nul_is_422_not_500(station: Station) -> None:
    station.chain.add("case.registered", _registration(station, "王秀英", "西村\x003号"))
    body = encoding.encode_push("b-compact", station.station_id, station.chain.events, encoding.DICT_V2)
    headers = {
        "Authorization": f"Bearer {station.client.token}",
        "Content-Type": "application/json",
        "Content-Encoding": encoding.DICT_V2,
    }
    response = requests.post(station.server.url + "/api/v1/sync/push", data=body, headers=headers, timeout=10)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "payload.applicant.address"


def _import_result(database_url: str, data: bytes) -> ImportResult:
    engine = make_engine(database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            return import_station_file(session, data)
    finally:
        engine.dispose()


def _resigned(data: bytes, token: str, old: bytes, new: bytes) -> bytes:
    """The transfer file with ``old`` replaced by ``new`` in events.jsonl, its manifest fixed and re-signed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    lines = source.read("events.jsonl")
    assert old in lines
    lines = lines.replace(old, new)
    manifest = json.loads(source.read("manifest.json"))
    for part in manifest["parts"]:
        if part["path"] == "events.jsonl":
            part.update(size=len(lines), sha256=hashlib.sha256(lines).hexdigest())
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("manifest.json", manifest_bytes)
        target.writestr("manifest.sig", hmac.new(signing_key(token), manifest_bytes, hashlib.sha256).hexdigest())
        target.writestr("events.jsonl", lines)
    return out.getvalue()


def test_a_usb_file_with_a_nul_or_a_lone_surrogate_is_refused_naming_the_field(station: Station) -> None:
    token = station.client.token or ""
    station.chain.add("case.registered", _registration(station, "王秀英", "西村\x003号"))
    nul = export_unsent(created_at=MADE_AT, station_id=station.station_id, token=token, events=station.chain.events)
    with pytest.raises(ServiceError) as caught:  # no station can have hashed a lone surrogate: the file is refused
        _import(station.server.database_url, _resigned(nul, token, b"\\u0000", b"\\ud800"))
    assert (caught.value.code, caught.value.field) == ("rejected", "payload.applicant.address")
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0
    (note,) = _import_result(station.server.database_url, nul).refused  # a NUL: kept in the chain, refused, no case
    assert note.field == "payload.applicant.address" and "U+0000" in note.message
    counts = row_counts(station.server.database_url, station.station_id)
    assert (counts["events"], counts["cases"]) == (1, 0)
