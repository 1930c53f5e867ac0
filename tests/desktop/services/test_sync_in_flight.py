"""同步中: while a push is under way, the cases whose events are in the batch say so; after it, they don't."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from desktop.services.casework.case_detail import case_detail
from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync
from desktop.services.syncing.sync_state import SYNCED, SYNCING, UNSYNCED, state_row
from sync.client.errors import ConnectionFailed
from sync.domain.errors import DomainError
from sync.domain.events import Event
from sync.protocol.models import HandshakeReply, PushReply
from tests.desktop.conftest import complete_draft


class WatchingClient:
    """A center stand-in that, at each push, notes what the station shows for every case."""

    def __init__(self, ctx: ServiceContext, case_ids: Sequence[str], fail: bool = False) -> None:
        self.ctx, self.case_ids, self.fail = ctx, list(case_ids), fail
        self.seen: list[dict[str, str]] = []

    greeted = False

    def handshake(self, station_id: str, **report: Any) -> HandshakeReply:
        return HandshakeReply(accepted=True, server_version="test")

    def report_status(self, **report: int) -> None:
        return None

    def blob_status(self, sha256: str) -> Any:
        raise AssertionError("no blobs in these cases")

    def push(self, events: Sequence[Event], batch_id: str | None = None) -> PushReply:
        self.seen.append({c: case_detail(self.ctx, c).summary.sync_label for c in self.case_ids})
        if self.fail:
            raise ConnectionFailed("无法连接镇中心服务器，请检查网络")
        return PushReply(batch_id=batch_id or "b", acked_seq=events[-1].seq, accepted=len(events))

    def pull_events(self, after: int = 0, after_hash: str = "") -> list[Event]:
        return []

    def latest_release(self, platform: str) -> None:
        return None  # a center that publishes no station release


def _two_cases(ctx: ServiceContext) -> list[str]:
    return [
        register_case(ctx, complete_draft(ctx)).case_ids[0],
        register_case(ctx, complete_draft(ctx, applicant_name="赵四")).case_ids[0],
    ]


def _labels(ctx: ServiceContext, case_ids: Sequence[str]) -> list[str]:
    return [case_detail(ctx, c).summary.sync_label for c in case_ids]


def test_cases_in_the_batch_being_sent_read_syncing(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _two_cases(ctx)
    monkeypatch.setattr(center_sync, "BATCH_EVENTS", 2)  # one case per batch
    client = WatchingClient(ctx, [first, second])
    reports: list[frozenset[str]] = []
    center_sync.sync_now(ctx, client, in_flight=reports.append)  # type: ignore[arg-type]
    assert client.seen == [{first: SYNCING, second: UNSYNCED}, {first: SYNCED, second: SYNCING}]
    assert reports == [frozenset({first}), frozenset(), frozenset({second}), frozenset()]
    assert _labels(ctx, [first, second]) == [SYNCED, SYNCED]
    assert ctx.sync_in_flight == frozenset()


def test_a_failed_push_leaves_the_cases_unsynced(ctx: ServiceContext) -> None:
    case_ids = _two_cases(ctx)
    client = WatchingClient(ctx, case_ids, fail=True)
    reports: list[frozenset[str]] = []
    with pytest.raises(ConnectionFailed):
        center_sync.sync_now(ctx, client, in_flight=reports.append)  # type: ignore[arg-type]
    assert client.seen == [{c: SYNCING for c in case_ids}]
    assert reports == [frozenset(case_ids), frozenset()]
    assert _labels(ctx, case_ids) == [UNSYNCED, UNSYNCED]


class ShortAckClient(WatchingClient):
    """A center that confirms less than it was sent."""

    def push(self, events: Sequence[Event], batch_id: str | None = None) -> PushReply:
        return PushReply(batch_id=batch_id or "b", acked_seq=events[0].seq - 1, accepted=0)


def test_a_domain_error_in_the_push_is_recorded_as_the_last_error(ctx: ServiceContext) -> None:
    case_ids = _two_cases(ctx)
    with ctx.db.transaction() as session:
        state_row(session).last_error = "无法连接镇中心服务器，请检查网络"  # an older failure
    with pytest.raises(DomainError) as raised:
        center_sync.sync_now(ctx, ShortAckClient(ctx, case_ids))  # type: ignore[arg-type]
    assert center_sync.status(ctx).last_error == raised.value.message == "镇中心没有确认收到全部数据，请稍后重试"
