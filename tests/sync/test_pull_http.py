"""Center events: recorded by staff code, checked by the state machine, pulled by their station only."""

from __future__ import annotations

import pytest

from sync.client.errors import ChainMismatch
from sync.domain.events import CENTER, GENESIS_HASH, verify_chain
from sync.server.core.db import make_engine
from sync.server.services.center_events import record_broadcast_event
from sync.server.services.errors import ServiceError
from tests.sync.live_server import center_sessions

from .conftest import Station, enroll_station
from .live_server import record_center, revoke, row_counts


def _delivered_case(station: Station) -> str:
    case_id = station.chain.new_case()
    station.client.push(station.chain.events)
    return case_id


def test_center_decisions_come_back_in_a_verified_chain(station: Station) -> None:
    case_id = _delivered_case(station)
    db = station.server.database_url
    accepted = record_center(db, station.station_id, "case.center_accept", {"case_id": case_id}, "镇窗口王")
    done = record_center(
        db, station.station_id, "case.center_complete", {"case_id": case_id, "result": "已参保"}, "镇窗口王"
    )
    assert (accepted.seq, done.seq, done.prev_hash) == (1, 2, accepted.hash)
    pulled = station.client.pull_events()
    assert [e.to_dict() for e in pulled] == [accepted.to_dict(), done.to_dict()]
    assert all(e.origin == CENTER and e.station_id == station.station_id for e in pulled)
    verify_chain(pulled)
    reply = station.client.pull(after=1)
    assert [e.seq for e in reply.events] == [2] and reply.cursor == 2 and not reply.has_more
    assert station.client.pull(after=2).events == []
    assert station.client.pull_events(after=1, after_hash=accepted.hash) == pulled[1:]


def test_after_the_center_completes_the_station_may_record_feedback(station: Station) -> None:
    case_id = _delivered_case(station)
    db = station.server.database_url
    station.chain.add("case.give_feedback", {"case_id": case_id, "rating": 5})
    (too_early,) = station.client.push(station.chain.events[-1:]).refused
    assert "不能进行" in too_early.message
    record_center(db, station.station_id, "case.center_accept", {"case_id": case_id}, "镇窗口王")
    record_center(db, station.station_id, "case.center_complete", {"case_id": case_id}, "镇窗口王")
    station.chain.add("case.give_feedback", {"case_id": case_id, "rating": 5})  # the correction: a new event
    reply = station.client.push(station.chain.events[-1:])
    assert (reply.acked_seq, reply.accepted, reply.refused) == (5, 1, [])


def test_illegal_center_move_is_refused_and_writes_nothing(station: Station) -> None:
    case_id = _delivered_case(station)
    db = station.server.database_url
    with pytest.raises(ServiceError) as caught:
        record_center(db, station.station_id, "case.center_complete", {"case_id": "no-such-case"}, "镇窗口王")
    assert caught.value.code == "not_found"
    with pytest.raises(ServiceError) as caught:
        record_center(db, station.station_id, "case.give_feedback", {"case_id": case_id, "rating": 5}, "镇窗口王")
    assert "代办站" in caught.value.message  # a station action, not the center's
    assert row_counts(db, station.station_id)["center_events"] == 0
    assert station.client.pull().events == []


def test_a_station_pulls_only_its_own_center_events(station: Station) -> None:
    other = enroll_station(station.server)
    db = station.server.database_url
    record_center(db, station.station_id, "catalog.updated", {"version": 3}, "镇中心")
    assert [e.type for e in station.client.pull().events] == ["catalog.updated"]
    assert other.client.pull().events == []


def test_broadcast_reaches_every_active_station(station: Station) -> None:
    other = enroll_station(station.server)
    revoked = enroll_station(station.server)
    db = station.server.database_url
    revoke(db, revoked.station_id)
    engine = make_engine(db)
    with center_sessions(engine)() as session, session.begin():
        written = record_broadcast_event(session, "holidays.updated", {"year": 2027}, "镇中心")
    engine.dispose()
    assert {e.station_id for e in written} >= {station.station_id, other.station_id}
    assert revoked.station_id not in {e.station_id for e in written}
    for member in (station, other):
        assert [e.payload for e in member.client.pull_events()] == [{"year": 2027}]


def test_tampered_pull_is_detected(station: Station) -> None:
    record_center(station.server.database_url, station.station_id, "catalog.updated", {"version": 1}, "镇中心")
    with pytest.raises(ChainMismatch) as caught:
        station.client.pull_events(after=0, after_hash="1" * 64)
    assert "校验失败" in caught.value.message
    assert verify_chain(station.client.pull_events(after=0, after_hash=GENESIS_HASH)) != GENESIS_HASH


def _case_row(database_url: str, case_id: str) -> tuple[str, str]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        state, conflict = conn.execute(
            sa.text("SELECT state, conflict FROM cases WHERE case_id = :c"), {"c": case_id}
        ).one()
    engine.dispose()
    return str(state), str(conflict)


def test_a_late_station_move_is_kept_as_a_conflict_not_refused(station: Station) -> None:
    case_id = _delivered_case(station)
    db = station.server.database_url
    record_center(db, station.station_id, "case.center_accept", {"case_id": case_id}, "镇窗口王")
    record_center(db, station.station_id, "case.center_complete", {"case_id": case_id}, "镇窗口王")
    # offline, before hearing of it, the villager withdrew at the station
    station.chain.add("case.withdraw", {"case_id": case_id, "reason": "申请人已自行办理"})
    reply = station.client.push(station.chain.events[-1:])
    assert (reply.acked_seq, reply.accepted) == (4, 1)
    assert [n.event_id for n in reply.conflicts] == [station.chain.events[-1].id]
    assert "冲突" in reply.conflicts[0].message and "撤回" in reply.conflicts[0].message
    state, conflict = _case_row(db, case_id)
    assert state == "completed" and "冲突" in conflict
    station.chain.add("case.archive", {"case_id": case_id})  # the station goes on under its own view
    later = station.client.push(station.chain.events[-1:])
    assert later.acked_seq == 5 and len(later.conflicts) == 1
    assert station.client.digest().count == 5


def test_a_station_move_the_center_cannot_explain_is_refused(station: Station) -> None:
    case_id = _delivered_case(station)
    db = station.server.database_url
    record_center(db, station.station_id, "case.center_accept", {"case_id": case_id}, "镇窗口王")
    extension = {"due_on": "2026-12-15", "consent": True, "reason": "部门系统升级", "requested_on": "2026-11-25"}
    station.chain.add("case.extend", {"case_id": case_id, **extension})  # legal after center_accept
    assert station.client.push(station.chain.events[-1:]).conflicts == []
    station.chain.add("case.give_feedback", {"case_id": case_id, "rating": 5})  # not completed: a bug
    (note,) = station.client.push(station.chain.events[-1:]).refused
    assert "不能进行" in note.message
    assert _case_row(db, case_id)[1] == ""
    assert station.client.digest().count == 5  # kept in the chain, marked refused
