"""Issue 15, item 2 over real HTTP (SQLite and PostgreSQL): a refused event never blocks a station's chain.

A station whose 3rd event the center refuses (a NUL in an address, as an older station could write) still
syncs its 4th..10th events; the center keeps the 3rd in the chain marked refused with the field and the
reason, changing no case; a resend is idempotent; an older client (no ``X-Push-Refusals``) is told with a
422 once and goes through on its resend.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from sync.client.errors import Rejected
from sync.domain.events import chain_digest
from sync.server.core.db import make_engine
from sync.server.core.models import EventRow
from sync.server.services.station_status import StationOverview, stations_overview

from .conftest import Station
from .factories import registered_payload
from .live_server import center_sessions, row_counts

BAD_ADDRESS = "城南村\x00三组"


def _ten_events(station: Station) -> tuple[str, str, str]:
    """1-2: case A registered and accepted; 3: case B registered with a NUL in its address (refused);
    4: case B accepted (refused too: no such case at the center); 5: case A delivered; 6-8: case C
    registered, accepted, delivered; 9-10: case D registered and accepted."""
    chain = station.chain
    a = registered_payload(case_no="CS01-20261123-0001")
    chain.add("case.registered", a)
    chain.add("case.accept", {"case_id": a["case_id"], "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    b = registered_payload(case_no="CS01-20261123-0002")
    b["applicant"] = {**b["applicant"], "address": BAD_ADDRESS}
    chain.add("case.registered", b)
    chain.add("case.accept", {"case_id": b["case_id"], "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    chain.add("case.deliver", {"case_id": a["case_id"]})
    c = chain.new_case(3)
    d = registered_payload(case_no="CS01-20261123-0004")
    chain.add("case.registered", d)
    chain.add("case.accept", {"case_id": d["case_id"], "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    assert len(chain.events) == 10
    return str(a["case_id"]), str(b["case_id"]), c


def _center_rows(database_url: str, station_id: str) -> list[dict[str, Any]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT seq, refused, refused_field, raw_payload FROM events WHERE station_id = :s ORDER BY seq"
                ),
                {"s": station_id},
            ).mappings()
            return [dict(r) for r in rows]
    finally:
        engine.dispose()


def _opened_raw_payload(database_url: str, event_id: str) -> str:
    """A refused event's payload as sent, read as the center's services read it (opened)."""
    engine = make_engine(database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            row = session.get(EventRow, event_id)
            assert row is not None and row.raw_payload is not None
            return row.raw_payload
    finally:
        engine.dispose()


def _case_states(database_url: str, station_id: str) -> dict[str, str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT case_id, state FROM cases WHERE station_id = :s"), {"s": station_id})
            return {str(case_id): str(state) for case_id, state in rows}
    finally:
        engine.dispose()


def _overview(database_url: str) -> list[StationOverview]:
    engine = make_engine(database_url)
    try:
        with center_sessions(engine)() as session, session.begin():
            return stations_overview(session)
    finally:
        engine.dispose()


def test_a_refused_third_event_does_not_block_the_fourth_to_tenth(station: Station) -> None:
    a, b, c = _ten_events(station)
    events = station.chain.events
    first = station.client.push(events[:5])
    second = station.client.push(events[5:])

    assert (first.acked_seq, second.acked_seq) == (5, 10)
    assert [(n.seq, n.event_id, n.case_id) for n in first.refused] == [(3, events[2].id, b), (4, events[3].id, b)]
    assert first.refused[0].field == "payload.applicant.address"
    assert "U+0000" in first.refused[0].message and "住址" in first.refused[0].message
    assert "办件不存在" in first.refused[1].message
    assert first.accepted == 3 and second.accepted == 5 and second.refused == []

    rows = _center_rows(station.server.database_url, station.station_id)
    assert [r["seq"] for r in rows] == list(range(1, 11))
    refused = {r["seq"]: r for r in rows if r["refused"] is not None}
    assert set(refused) == {3, 4}
    assert refused[3]["refused_field"] == "payload.applicant.address"
    assert refused[3]["raw_payload"].startswith("enc1:")  # sealed at rest: the villager's data as sent
    assert json.loads(_opened_raw_payload(station.server.database_url, events[2].id))["applicant"]["address"] == (
        BAD_ADDRESS
    )
    # no case changed by the refused events: B does not exist, A, C and D went on
    assert _case_states(station.server.database_url, station.station_id) == {
        a: "delivered",
        c: "delivered",
        str(events[8].payload["case_id"]): "accepted",
    }

    # the center's copy of the chain is the station's, byte for byte (the refused payload as it was sent)
    back = list(station.client.iter_events())
    assert [e.to_dict() for e in back] == [e.to_dict() for e in events]
    digest = station.client.digest()
    assert (digest.count, digest.hash) == chain_digest(events)

    # the stations page tells the staff: how many, and the last one with its field and reason
    (overview,) = [o for o in _overview(station.server.database_url) if o.id == station.station_id]
    assert overview.refused == 2 and overview.last_refused.startswith("第4号记录")

    # a resend changes nothing and tells the refusals again
    again = station.client.push(events)
    assert (again.acked_seq, again.accepted, again.duplicates) == (10, 0, 10)
    assert [n.seq for n in again.refused] == [3, 4]
    counts = row_counts(station.server.database_url, station.station_id)
    assert (counts["events"], counts["cases"]) == (10, 3)


def test_an_older_client_is_told_once_and_goes_on(station: Station) -> None:
    station.client.per_event_refusals = False  # a station of the previous version
    _ten_events(station)
    events = station.chain.events
    with pytest.raises(Rejected) as caught:
        station.client.push(events)
    assert (caught.value.status, caught.value.code) == (422, "rejected")
    assert caught.value.event_id == events[2].id and caught.value.field == "payload.applicant.address"
    assert station.client.digest().last_seq == 10  # stored, the refused ones marked

    reply = station.client.push(events)  # what the old station does on its next sync: resend from its ack
    assert (reply.acked_seq, reply.duplicates) == (10, 10)
    assert row_counts(station.server.database_url, station.station_id)["events"] == 10


def test_later_batches_build_on_a_refused_head(station: Station) -> None:
    _ten_events(station)
    events = station.chain.events
    station.client.push(events[:3])  # the refused event is the head of the center's chain
    reply = station.client.push(events[3:])
    assert reply.acked_seq == 10 and [n.seq for n in reply.refused] == [4]
