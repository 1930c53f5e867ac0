"""Push, listing and digest over real HTTP, against SQLite and PostgreSQL servers."""

from __future__ import annotations

import gzip
import json
import uuid

import pytest
import requests
import sqlalchemy as sa

from sync.client.errors import Conflict, Forbidden, Rejected, SequenceGap, TooLarge
from sync.domain.events import Event, chain_digest
from sync.protocol import encoding
from sync.server.core.models import BatchRow

from .conftest import Station, enroll_station
from .factories import Chain, registered_payload, resealed, tampered
from .live_server import in_center, row_counts
from .test_signed_compaction import APPLICANT, CLERK, handover, pad, registration, scan


def test_push_chain_and_list_it_back(station: Station) -> None:
    station.chain.new_case()
    events = station.chain.events
    reply = station.client.push(events, batch_id="b-1")
    assert (reply.batch_id, reply.acked_seq, reply.accepted, reply.duplicates) == ("b-1", 3, 3, 0)
    stored = list(station.client.iter_events())
    assert [e.to_dict() for e in stored] == [e.to_dict() for e in events]
    digest = station.client.digest()
    assert (digest.count, digest.hash) == chain_digest(events)
    assert digest.last_seq == 3
    counts = row_counts(station.server.database_url, station.station_id)
    assert counts == {"events": 3, "batches": 1, "cases": 1, "center_events": 0}


def test_case_projection_follows_pushed_events(station: Station) -> None:
    case_id = station.chain.new_case()
    station.client.push(station.chain.events)
    engine = sa.create_engine(station.server.database_url)
    with engine.connect() as conn:
        state, case_no = conn.execute(
            sa.text("SELECT state, case_no FROM cases WHERE case_id = :c"), {"c": case_id}
        ).one()
    engine.dispose()
    assert (state, case_no) == ("delivered", "CS01-20261123-0001")


def test_resending_a_batch_is_harmless(station: Station) -> None:
    station.chain.new_case()
    first = station.client.push(station.chain.events, batch_id="same")
    again = station.client.push(station.chain.events, batch_id="same")
    assert (again.acked_seq, again.accepted, again.duplicates) == (3, 0, 3)
    assert first.acked_seq == again.acked_seq
    station.chain.new_case(2)
    overlap = station.client.push(station.chain.events)  # 1..6, of which 1..3 known
    assert (overlap.acked_seq, overlap.accepted, overlap.duplicates) == (6, 3, 3)
    assert station.client.digest().count == 6
    assert row_counts(station.server.database_url, station.station_id)["events"] == 6
    batches = in_center(
        station.server.database_url,
        lambda session: session.execute(
            sa.select(BatchRow.batch_id, BatchRow.accepted, BatchRow.duplicates, BatchRow.acked_seq)
            .where(BatchRow.station_id == station.station_id)
            .order_by(BatchRow.acked_seq)
        ).all(),
    )
    assert [tuple(b) for b in batches] == [("same", 3, 0, 3), (overlap.batch_id, 3, 3, 6)]  # the first receipt kept


def test_paging_through_events(station: Station) -> None:
    for n in range(1, 5):
        station.chain.new_case(n)
    station.client.push(station.chain.events)
    page = station.client.events(after_seq=0, limit=5)
    assert [e.seq for e in page.events] == [1, 2, 3, 4, 5]
    assert page.has_more and page.next_after_seq == 5
    assert [e.seq for e in station.client.iter_events(after_seq=5, page=3)] == list(range(6, 13))


def test_same_id_with_other_content_is_a_conflict(station: Station) -> None:
    station.chain.new_case()
    station.client.push(station.chain.events)
    before = row_counts(station.server.database_url, station.station_id)
    changed = resealed(station.chain.events[2], actor="王五")
    with pytest.raises(Conflict) as caught:
        station.client.push([changed])
    assert caught.value.status == 409
    assert caught.value.event_id == changed.id
    assert "服务器拒绝了数据" in caught.value.message
    assert row_counts(station.server.database_url, station.station_id) == before
    assert station.client.events().events[2].actor == "李代办"


def test_same_seq_with_another_id_is_a_conflict(station: Station) -> None:
    station.chain.new_case()
    station.client.push(station.chain.events)
    other = resealed(station.chain.events[2], id=str(uuid.uuid4()))
    with pytest.raises(Conflict):
        station.client.push([other])
    assert station.client.digest().count == 3


def test_gap_is_refused_with_the_expected_seq(station: Station) -> None:
    station.chain.new_case()
    station.chain.new_case(2)
    events = station.chain.events
    station.client.push(events[:2])
    before = row_counts(station.server.database_url, station.station_id)
    with pytest.raises(SequenceGap) as caught:
        station.client.push(events[3:])
    assert caught.value.expected_seq == 3
    assert caught.value.status == 409
    assert "第3号" in caught.value.message
    assert row_counts(station.server.database_url, station.station_id) == before
    reply = station.client.push(events[caught.value.expected_seq - 1 :])  # resend from there
    assert reply.acked_seq == 6


def test_tampered_event_is_refused(station: Station) -> None:
    """Content changed in the middle of a compact batch: the recomputed chain head differs from the declared one."""
    station.chain.new_case()
    events = list(station.chain.events)
    events[1] = tampered(events[1], payload={**events[1].payload, "due_on": "2027-01-01"})
    assert station.client.push_encoding == encoding.DICT_V2
    with pytest.raises(Rejected) as caught:
        station.client.push(events)
    assert caught.value.status == 422
    assert caught.value.code == "chain_broken"
    assert "篡改" in caught.value.message
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0


def test_forged_head_hash_is_refused(station: Station) -> None:
    station.chain.new_case()
    events = list(station.chain.events)
    events[-1] = tampered(events[-1], hash="e" * 64)
    with pytest.raises(Rejected) as caught:
        station.client.push(events)
    assert (caught.value.status, caught.value.code) == (422, "chain_broken")
    assert "篡改" in caught.value.message
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0


def _post(station: Station, body: bytes, coding: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {station.client.token}", "Content-Type": "application/json"}
    if coding:
        headers["Content-Encoding"] = coding
    return requests.post(station.server.url + "/api/v1/sync/push", data=body, headers=headers, timeout=10)


def test_older_clients_gzip_with_full_events_is_still_accepted(station: Station) -> None:
    station.chain.new_case()
    events = list(station.chain.events)
    forged = list(events)
    forged[1] = tampered(events[1], hash="e" * 64)  # a full batch: every declared hash is checked
    refused = _post(station, encoding.encode_push("b-0", station.station_id, forged, encoding.GZIP), "gzip")
    assert (refused.status_code, refused.json()["code"]) == (422, "chain_broken")
    assert "篡改" in refused.json()["message"]
    ok = _post(station, encoding.encode_push("b-1", station.station_id, events, encoding.GZIP), "gzip")
    assert ok.status_code == 200 and ok.json()["acked_seq"] == 3
    assert [e.to_dict() for e in station.client.iter_events()] == [e.to_dict() for e in events]


def test_compact_batch_is_stored_with_full_hashes(station: Station) -> None:
    station.chain.new_case()
    events = station.chain.events
    assert encoding.encode_push("b", "s", events, encoding.IDENTITY).count(b'"hash"') == 3  # full: not compact
    compact = encoding.push_body("b-1", station.station_id, events, compact=True)
    assert _post(station, compact, None).json()["acked_seq"] == 3
    stored = list(station.client.iter_events())
    assert [(e.prev_hash, e.hash) for e in stored] == [(e.prev_hash, e.hash) for e in events]


def test_unknown_and_broken_codings_are_refused_in_chinese(station: Station) -> None:
    station.chain.new_case()
    plain = encoding.push_body("b", station.station_id, station.chain.events, compact=True)
    unknown = _post(station, plain, "br")
    assert unknown.status_code == 415
    assert unknown.json()["code"] == "unsupported_encoding"
    assert "不支持" in unknown.json()["message"]
    assert unknown.headers["Accept-Encoding"].startswith(f"{encoding.DICT_V2}, {encoding.DICT_V1}")
    damaged = _post(station, b"not deflate at all", encoding.DICT_V1)
    assert damaged.status_code == 400 and "损坏" in damaged.json()["message"]
    bomb = encoding.encode(b'{"batch_id": "' + b"x" * (6 * 1024 * 1024) + b'"}', encoding.DICT_V1)
    assert _post(station, bomb, encoding.DICT_V1).status_code == 413
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0
    hello = station.client.handshake(station.station_id)
    assert hello.push_encodings == [encoding.DICT_V2, encoding.DICT_V1, encoding.GZIP]


def _signed_case(station: Station) -> list[Event]:
    reg = registration(pad(*APPLICANT), pad(*CLERK))
    case_id = reg["case_id"]
    station.chain.add("case.registered", reg)
    station.chain.add("case.handover", handover(case_id, ("villager", "clerk"), scan(*APPLICANT), pad(*CLERK)))
    station.chain.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    return station.chain.events


def test_signed_events_travel_with_compact_references_and_are_stored_whole(station: Station) -> None:
    events = _signed_case(station)
    sent: list[bytes] = []
    station.client.http.hooks["response"].append(lambda r, *a, **k: sent.append(r.request.body or b""))
    assert station.client.push(events).acked_seq == 3
    (body,) = sent
    items = json.loads(encoding.decode(body, encoding.DICT_V2, 10_000_000))["events"]
    assert [("signed" in i) for i in items] == [True, True, False]
    assert b"content_sha256" not in encoding.decode(body, encoding.DICT_V2, 10_000_000)
    assert [e.to_dict() for e in station.client.iter_events()] == [e.to_dict() for e in events]


def test_a_compact_reference_restored_differently_is_chain_broken(station: Station) -> None:
    """What the center restores is hashed as sent: any difference (tampering, a mistake) breaks the head."""
    events = _signed_case(station)
    data = json.loads(encoding.push_body("b-1", station.station_id, events, compact=True, signed=True))
    data["events"][1]["signed"][1]["ink"]["captured_at"] = "2026-11-24T09:00:00+00:00"
    changed = encoding.encode(json.dumps(data, ensure_ascii=False).encode("utf-8"), encoding.DICT_V2)
    refused = _post(station, changed, encoding.DICT_V2)
    assert (refused.status_code, refused.json()["code"]) == (422, "chain_broken")
    assert "篡改" in refused.json()["message"]
    data["events"][2]["signed"] = [{"signer": "张三", "role": "委托人"}]
    unknown = _post(station, encoding.encode(json.dumps(data).encode(), encoding.DICT_V2), encoding.DICT_V2)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "chain_broken")
    assert "第3号记录的签名记录无法还原" in unknown.json()["message"]
    data["events"][2]["signed"] = "张三"
    malformed = _post(station, encoding.encode(json.dumps(data).encode(), encoding.DICT_V2), encoding.DICT_V2)
    assert malformed.status_code == 422 and malformed.json()["code"] != "chain_broken"
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0
    assert station.client.push(events).acked_seq == 3


def test_a_v1_client_is_still_accepted(station: Station) -> None:
    events = _signed_case(station)
    ok = _post(station, encoding.encode_push("b-1", station.station_id, events, encoding.DICT_V1), encoding.DICT_V1)
    assert ok.status_code == 200 and ok.json()["acked_seq"] == 3
    assert [e.to_dict() for e in station.client.iter_events()] == [e.to_dict() for e in events]


def test_broken_link_is_refused(station: Station) -> None:
    station.chain.new_case()
    events = list(station.chain.events)
    events[2] = resealed(events[2], prev_hash="f" * 64)
    with pytest.raises(Rejected) as caught:
        station.client.push(events)
    assert caught.value.code == "chain_broken"
    assert station.client.digest().count == 0


def test_an_illegal_transition_is_refused_and_kept_changing_nothing(station: Station) -> None:
    payload = registered_payload()
    station.chain.add("case.registered", payload)
    station.chain.add("case.give_feedback", {"case_id": payload["case_id"], "rating": 5})
    reply = station.client.push(station.chain.events)
    assert (reply.acked_seq, reply.accepted) == (2, 1)
    (note,) = reply.refused
    assert note.event_id == station.chain.events[1].id and note.case_id == payload["case_id"]
    assert "不能进行" in note.message
    assert row_counts(station.server.database_url, station.station_id) == {
        "events": 2,  # the refused one kept in the chain, changing nothing
        "batches": 1,
        "cases": 1,
        "center_events": 0,
    }


def test_station_cannot_author_center_events(station: Station) -> None:
    case_id = station.chain.new_case()
    station.client.push(station.chain.events)
    forged = Chain(station.station_id, list(station.chain.events))
    event = forged.add("case.center_complete", {"case_id": case_id})
    forged.events[-1] = resealed(event, origin="center")
    with pytest.raises(Rejected):
        station.client.push(forged.events[-1:])
    assert station.client.digest().count == 3


def test_another_stations_id_is_forbidden(live_server: object, station: Station) -> None:
    other = enroll_station(station.server)
    other.chain.new_case()
    with pytest.raises(Forbidden) as caught:  # other's events with my token
        station.client.push(other.chain.events)
    assert caught.value.status == 403
    with pytest.raises(Forbidden):  # my batch, other's station id
        station.client.push([], station_id=other.station_id)
    assert row_counts(station.server.database_url, other.station_id)["events"] == 0
    other.client.push(other.chain.events)
    assert station.client.digest().count == 0  # reads only its own
    assert station.client.events().events == []


def test_missing_and_forged_tokens_are_refused(station: Station) -> None:
    station.chain.new_case()
    body = {"batch_id": "x", "station_id": station.station_id, "events": [e.to_dict() for e in station.chain.events]}
    url = station.server.url + "/api/v1/sync/push"
    missing = requests.post(url, json=body, timeout=10)
    forged = requests.post(url, json=body, headers={"Authorization": "Bearer dbt_forged"}, timeout=10)
    for response in (missing, forged):
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert response.json()["message"]
    assert requests.get(station.server.url + "/api/v1/sync/events", timeout=10).status_code == 401
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0


def test_malformed_bodies_are_refused(station: Station) -> None:
    url = station.server.url + "/api/v1/sync/push"
    auth = {"Authorization": f"Bearer {station.client.token}", "Content-Type": "application/json"}
    broken = requests.post(url, data=b'{"batch_id": ', headers=auth, timeout=10)
    assert broken.status_code == 422
    assert broken.json() == {"code": "invalid_request", "message": "请求内容不是有效的 JSON 数据"}
    zipped = requests.post(url, data=gzip.compress(b"[1, 2"), headers=auth | {"Content-Encoding": "gzip"}, timeout=10)
    assert zipped.status_code == 422
    not_gzip = requests.post(url, data=b"not gzip", headers=auth | {"Content-Encoding": "gzip"}, timeout=10)
    assert not_gzip.status_code == 400
    assert "损坏" in not_gzip.json()["message"]
    wrong_shape = requests.post(url, data=json.dumps({"batch_id": "b"}), headers=auth, timeout=10)
    assert wrong_shape.status_code == 422
    assert wrong_shape.json()["field"] == "station_id"
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0


def test_health_and_openapi(live_server: object, station: Station) -> None:
    health = station.client.health()
    assert health.status == "ok"
    assert health.version
    assert health.db in ("sqlite", "postgresql")
    schema = requests.get(station.server.url + "/openapi.json", timeout=10).json()
    for path in ("/api/v1/health", "/api/v1/enroll", "/api/v1/sync/push", "/api/v1/sync/events", "/api/v1/sync/digest"):
        assert path in schema["paths"]


def test_oversize_batches_are_refused(station: Station) -> None:
    from sync.protocol.models import MAX_BATCH_EVENTS

    chain = Chain(station.station_id)
    for n in range(MAX_BATCH_EVENTS // 3 + 1):
        chain.new_case(n)
    with pytest.raises(TooLarge) as caught:
        station.client.push(chain.events[: MAX_BATCH_EVENTS + 1])
    assert caught.value.status == 413
    assert "分批" in caught.value.message
    headers = {"Authorization": f"Bearer {station.client.token}", "Content-Type": "application/json"}
    url = station.server.url + "/api/v1/sync/push"
    huge = b'{"batch_id": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    assert requests.post(url, data=huge, headers=headers, timeout=30).status_code == 413
    bomb = gzip.compress(huge)
    assert len(bomb) < 100_000
    response = requests.post(url, data=bomb, headers=headers | {"Content-Encoding": "gzip"}, timeout=30)
    assert response.status_code == 413
    assert row_counts(station.server.database_url, station.station_id)["events"] == 0
    assert station.client.push_all(chain.events, batch_size=400).acked_seq == len(chain.events)


def test_prefix_digests_find_the_first_difference(station: Station) -> None:
    for n in range(1, 6):
        station.chain.new_case(n)
    events = station.chain.events
    station.client.push(events)
    assert station.client.first_difference(events) is None
    assert station.client.digest(upto=4).count == 4
    assert (station.client.digest(upto=4).count, station.client.digest(upto=4).hash) == chain_digest(events[:4])
    local = list(events)
    local[8] = resealed(local[8], actor="本地改动")  # the station's copy differs from seq 9 on
    assert station.client.first_difference(local) == 9
    assert station.client.first_difference(events[:10]) == 11  # the center holds more than the station
    assert station.client.first_difference([*events, *Chain(station.station_id).events]) is None


def test_push_all_reports_progress_and_the_gap(station: Station) -> None:
    for n in range(1, 8):
        station.chain.new_case(n)
    events = station.chain.events
    replies: list[int] = []
    result = station.client.push_all(events[:12], batch_size=5, on_batch=lambda r: replies.append(r.acked_seq))
    assert replies == [5, 10, 12]
    assert (result.acked_seq, result.accepted, result.batches) == (12, 12, 3)
    with pytest.raises(SequenceGap) as caught:
        station.client.push_all(events[14:], batch_size=5)
    assert caught.value.expected_seq == 13
    assert station.client.push_all(events[12:], batch_size=5).acked_seq == len(events)
