"""Sync with the town center: enrollment, pushing the outbox, status.

The outbox is implicit: every event after the sequence the center last
acknowledged is pending. Pushing is idempotent on the server, so a push cut
off at any byte is simply repeated; ``acked_seq`` only moves forward on the
center's word, in its own transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import LargeBinary, cast, func, select

from desktop.store import center_log, event_log, settings
from desktop.store.models import EventRow, SyncConflictRow, SyncRejectionRow, SyncStateRow
from sync.client.address import check_center_url
from sync.client.batching import split_batches
from sync.client.client import SyncClient
from sync.client.errors import Rejected, SequenceGap, SyncError
from sync.domain.errors import DomainError
from sync.domain.events import Event
from sync.domain.reference import published_document
from sync.protocol import MAX_BATCH_BYTES
from sync.protocol.models import ConflictNote, RefusedNote

from ..casework.attachments import blob_bytes, blobs_named
from ..casework.history import local_time
from ..casework.records import Changed
from ..context import ServiceContext
from ..safety import credential_store
from ..station import require_station
from . import catch_up, signing_keys, updates
from .sync_state import acked_seq, case_ids_of, state_row

SERVER = "server"
BATCH_EVENTS = 500


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    pending: int
    last_success_at: str | None
    last_error: str | None

    @property
    def label(self) -> str:
        if not self.enrolled:
            return f"未连接镇中心 · 待同步 {self.pending} 条"
        last = f"上次同步 {local_time(self.last_success_at)}" if self.last_success_at else "尚未同步"
        text = f"{last} · 待同步 {self.pending} 条"
        if self.last_error:
            text += f" · 上次出错：{self.last_error}"
        return text


def status(ctx: ServiceContext) -> SyncStatus:
    with ctx.db.reading() as session:
        server = settings.get(session, SERVER)
        row = session.get(SyncStateRow, 1)  # read only: the row is written by the sync itself
        pending = event_log.count_events(session, row.acked_seq if row else 0)
        return SyncStatus(bool(server), pending, row.last_success_at if row else None, row.last_error if row else None)


def connect_center(ctx: ServiceContext, server_url: str, enrollment_code: str, *, allow_http: bool = False) -> Changed:
    """Enroll this station with the one-time code; the token goes to the OS keyring.

    On a PC without a keyring it is sealed with the station's data key, which the clerk's login opened
    (``credential_store``): no second password. ``allow_http`` lets a plain ``http://`` address on the local
    network through (``sync.client.address``); it is stored with the address, so that every later
    connection is checked the same way.
    """
    station = require_station(ctx)
    url = server_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise DomainError("服务器地址应以 https:// 开头")
    if not enrollment_code.strip():
        raise DomainError("请输入镇中心提供的登记码")
    check_center_url(url, allow_http=allow_http)
    credential_store.check_can_store(ctx)
    client = SyncClient(url, allow_http=allow_http)
    enrollment = client.enroll(
        enrollment_code.strip(), station_id=station.station_id, station_code=station.code, name=station.name
    )
    if enrollment.station_id != station.station_id:
        raise DomainError("镇中心登记的代办站与本机不一致，请核对登记码")
    credential_store.store_token(ctx, station.station_id, enrollment.token)
    with ctx.db.transaction() as session:
        settings.put(session, SERVER, {"url": url, "allow_http": allow_http})
    # an enrollment clears the key the center held for this station: the next handshake registers it again
    signing_keys.remember_center(ctx, client.center_signing_key, station_key_registered=False, enrolled=True)
    return Changed(sync=True, message="已连接镇中心")


def make_client(ctx: ServiceContext) -> SyncClient:
    """A client for the enrolled town center, with the token from the keyring (``PasswordNeeded`` while the
    token kept on this PC is locked)."""
    station = require_station(ctx)
    with ctx.db.reading() as session:
        server = settings.get(session, SERVER)
    token = credential_store.load_token(ctx, station.station_id) if server else None
    if not server or not token:
        raise DomainError("尚未连接镇中心，请先选择“连接镇中心”，输入服务器地址和登记码")
    # A station connected before the allowance existed kept its http:// address: allowed (and warned about).
    return SyncClient(server["url"], token=token, allow_http=bool(server.get("allow_http", True)))


def _set_acked(ctx: ServiceContext, seq: int) -> None:
    with ctx.db.transaction() as session:
        state_row(session).acked_seq = seq


Progress = Callable[[int, int], None]
#: Told the cases being sent (同步中) before each batch, and an empty set when it is answered or failed.
InFlight = Callable[[frozenset[str]], None]


def _set_in_flight(ctx: ServiceContext, case_ids: frozenset[str], report: InFlight | None) -> None:
    ctx.sync_in_flight = case_ids
    if report is not None:
        report(case_ids)


@dataclass
class Pushed:
    """What a push did: events the center newly confirmed (refused ones included: they keep their place in
    its chain) and the cases of the events it refused (被拒绝)."""

    confirmed: int = 0
    refused_cases: list[str] = field(default_factory=list)
    refused: int = 0


def _push_pending(
    ctx: ServiceContext, client: SyncClient, progress: Progress | None, in_flight: InFlight | None = None
) -> Pushed:
    """Push until nothing is pending; a refused event is recorded (被拒绝) and the push goes on past it."""
    pushed = Pushed()
    confirmed = 0
    total = status(ctx).pending
    while True:
        with ctx.db.reading() as session:
            acked = acked_seq(session)
            pending = list(islice(event_log.iter_events(session, acked), BATCH_EVENTS))
        if not pending:
            pushed.confirmed = confirmed
            return pushed
        for batch in split_batches(pending, BATCH_EVENTS, MAX_BATCH_BYTES // 2):
            _set_in_flight(ctx, case_ids_of(batch), in_flight)
            try:
                _upload_blobs(ctx, client, batch)
                reply = client.push(batch, batch_id=str(uuid.uuid4()))
            except SequenceGap as gap:
                # The center holds less than we thought (e.g. restored from a backup): resend from there.
                _set_acked(ctx, max(0, gap.expected_seq - 1))
                break
            else:
                if reply.acked_seq < batch[-1].seq:
                    raise DomainError("镇中心没有确认收到全部数据，请稍后重试")
                if reply.acked_seq > batch[-1].seq and reply.acked_seq > outbox(ctx).last_seq:
                    # The center holds more of our own events than this log (a database put back by hand).
                    catch_up.catch_up(ctx, client)
                    break
                _record_conflicts(ctx, reply.conflicts)
                newly = _record_refusals(ctx, reply.refused)
                pushed.refused += len(newly)
                pushed.refused_cases += [n.case_id for n in newly if n.case_id]
                confirmed += reply.acked_seq - acked
                acked = reply.acked_seq
                _set_acked(ctx, acked)
                if newly:
                    _refold(ctx)
            finally:
                _set_in_flight(ctx, frozenset(), in_flight)
            if progress is not None:
                progress(min(confirmed, total), max(total, confirmed))


@dataclass(frozen=True)
class Outbox:
    """What this station has not yet sent: events, their approximate size, the last seq of its log."""

    events: int
    bytes: int
    last_seq: int


#: Per-event JSON beyond the payload and the text columns (keys, seq, punctuation).
_EVENT_OVERHEAD = 120


def outbox(ctx: ServiceContext) -> Outbox:
    """Counted in SQL (no event is decoded): cheap even after weeks offline."""
    with ctx.db.reading() as session:
        acked = acked_seq(session)
        size = (
            func.length(cast(EventRow.payload, LargeBinary))
            + func.length(EventRow.id)
            + func.length(EventRow.station_id)
            + func.length(cast(EventRow.type, LargeBinary))
            + func.length(cast(EventRow.actor, LargeBinary))
            + func.length(EventRow.occurred_at)
            + func.length(EventRow.prev_hash)
            + func.length(EventRow.hash)
            + _EVENT_OVERHEAD
        )
        count, total = session.execute(
            select(func.count(), func.coalesce(func.sum(size), 0)).where(EventRow.seq > acked)
        ).one()
        last_seq = session.scalar(select(func.max(EventRow.seq))) or 0
    return Outbox(int(count), int(total), int(last_seq))


def _handshake(ctx: ServiceContext, client: SyncClient, box: Outbox) -> None:
    """Greet the center once per process (and center URL): app and protocol version, what is still unsent,
    and the push codings it accepts. Later syncs report the same on their push and pull (``X-Station-*``).

    The station's signing key for transfer files goes along; the center's public key and whether it holds
    ours come back (``signing_keys``). Refusals (outdated protocol, revoked station) stop the sync with their
    message. A center from before the ``pending_*`` fields refuses unknown fields (422): it is greeted without
    them.
    """
    station_id = require_station(ctx).station_id
    try:
        reply = client.handshake(
            station_id,
            pending_events=box.events,
            pending_bytes=box.bytes,
            last_seq=box.last_seq,
            signing_public_key=signing_keys.public_key_if_open(ctx),
        )
    except Rejected:
        try:
            reply = client.handshake(station_id)
        except Rejected:  # a center that cannot say hello at all: push and pull as before, without asking again
            client.mark_greeted()
            return
    signing_keys.remember_center(ctx, reply.center_signing_key, station_key_registered=reply.station_key_registered)


def _report(client: SyncClient, box: Outbox) -> None:
    client.report_status(pending_events=box.events, pending_bytes=box.bytes, last_seq=box.last_seq)


def _upload_blobs(ctx: ServiceContext, client: SyncClient, events: Sequence[Event]) -> None:
    """Blobs go up (once, resumable) before the events that name them."""
    for sha256 in blobs_named(events):
        status = client.blob_status(sha256)
        if status is None or not status.complete:
            client.upload_blob(blob_bytes(ctx, sha256))


def center_head(ctx: ServiceContext) -> tuple[int, str]:
    with ctx.db.reading() as session:
        return center_log.head(session)


def _pull_center(ctx: ServiceContext, client: SyncClient) -> tuple[list[str], int, int]:
    """Fetch the center's events after our cursor and apply them all in one transaction."""
    return apply_center_events(ctx, client.pull_events(*center_head(ctx)))


def apply_center_events(ctx: ServiceContext, events: Sequence[Event]) -> tuple[list[str], int, int]:
    """Apply verified center events in one transaction (pull and USB import alike).

    Returns (changed case ids, events applied, conflicts kept for a person).
    """
    if not events:
        return [], 0, 0
    case_ids: list[str] = []
    conflicts = 0
    reference_changed = False
    with ctx.db.transaction() as session:
        for event in events:
            recorded = center_log.record(session, event, ctx.clock.stamp())
            conflicts += recorded.conflict is not None and not recorded.duplicate
            if event.payload.get("case_id"):
                case_ids.append(str(event.payload["case_id"]))
            taken = not recorded.duplicate and recorded.conflict is None  # an invalid document is kept, not used
            document = published_document(event.type, event.payload) if taken else None
            if document is not None:
                settings.put(session, document[0], document[1])
                reference_changed = True
    if reference_changed:
        ctx.reload_reference_data()
    return case_ids, len(events), conflicts


def sync_now(
    ctx: ServiceContext,
    client: SyncClient | None = None,
    progress: Progress | None = None,
    in_flight: InFlight | None = None,
) -> Changed:
    """Push every unacknowledged event in bounded batches, then pull the center's decisions.

    One push per batch (none when nothing is pending) and one pull; the handshake only on the first sync
    with this center in this process. Push and pull carry the station's backlog for the center's stations page.

    While a batch is sent its cases read 同步中 (``ctx.sync_in_flight``); ``in_flight`` is told each
    change, from this thread, so a view can refresh.

    An event the center refuses but keeps in its chain (``PushReply.refused``) is recorded in
    ``sync_rejections`` (shown on its case as 被拒绝 with the field and reason) and the push goes on with
    the later events. A refused batch (``Rejected``: a missing blob, a broken chain) is recorded the same
    way and stops the push, so it is neither dropped nor retried forever; the center's decisions are still
    pulled before the refusal is raised. A center decision that no longer fits its case is kept as a conflict.
    """
    client = client or make_client(ctx)
    try:
        box = outbox(ctx)
        greeting = not client.greeted
        if greeting:
            _handshake(ctx, client, box)
        _report(client, box)
        caught = catch_up.catch_up(ctx, client) if catch_up.needed(ctx) else catch_up.CaughtUp(0)
        try:
            pushed = _push_pending(ctx, client, progress, in_flight)
        except Rejected as exc:
            _record_rejection(ctx, exc)
            _pull_center(ctx, client)  # a refused push must not keep the center's decisions away
            raise
        if box.events:  # what the push left (new events registered meanwhile, a refused one)
            _report(client, outbox(ctx))
        case_ids, pulled, conflicts = _pull_center(ctx, client)
    except Rejected as exc:
        _record_rejection(ctx, exc)
        _record(ctx, error=exc.message)
        raise
    except (SyncError, DomainError) as exc:  # e.g. a center that confirmed less than it was sent
        _record(ctx, error=exc.message)
        raise
    _record(ctx, error=None)
    # 新版本可用: asked with the greeting (once a start, or a new center) and while a download is unfinished, so
    # a day's later syncs stay one push and one pull; it never fails the sync (``updates``)
    update = updates.check_and_download(ctx, client) if greeting or updates.unfinished(ctx) else None
    message = f"同步完成，上传 {pushed.confirmed} 条、接收镇中心 {pulled} 条记录"
    if caught.message:
        message += f"；{caught.message}"
    if conflicts:
        message += f"；其中 {conflicts} 条与本站记录冲突，请在“冲突记录”中处理"
    if pushed.refused:
        message += f"；{pushed.refused} 条被镇中心拒收（标为“被拒绝”），请在办件中查看原因并重新办理更正"
    if update is not None and update.downloaded and not update.install_requested:
        message += f"；新版本 {update.version} 已下载，可在窗口上方点“安装”"
    changed = tuple(dict.fromkeys([*case_ids, *pushed.refused_cases]))
    return Changed(case_ids=changed, sync=True, message=message)


def _record_conflicts(ctx: ServiceContext, notes: Sequence[ConflictNote]) -> None:
    """Events the center kept but flagged: the case badge says 有冲突 until a person resolves it."""
    if not notes:
        return
    with ctx.db.transaction() as session:
        for note in notes:
            if session.get(SyncConflictRow, note.event_id) is None:
                session.add(
                    SyncConflictRow(
                        event_id=note.event_id, case_id=note.case_id, message=note.message, at=ctx.clock.stamp()
                    )
                )


def _record_refusals(ctx: ServiceContext, notes: Sequence[RefusedNote]) -> list[RefusedNote]:
    """Events the center kept but refused: 被拒绝 on their case, with the field and the reason. Returns the
    ones not recorded before (a resend lists them again)."""
    newly: list[RefusedNote] = []
    if not notes:
        return newly
    with ctx.db.transaction() as session:
        for note in notes:
            if session.get(SyncRejectionRow, note.event_id) is None:
                session.add(
                    SyncRejectionRow(
                        event_id=note.event_id,
                        seq=note.seq,
                        reason=note.message,
                        field=(note.field or "")[:64] or None,
                        at=ctx.clock.stamp(),
                    )
                )
                newly.append(note)
    return newly


def _refold(ctx: ServiceContext) -> None:
    """The cases again without the events the center refused, so they read here as at the center and the
    clerk corrects them on the ordinary path (a refused 受理 leaves the case 待受理 on both sides)."""
    with ctx.db.transaction() as session:
        event_log.rebuild_projection(session, tolerant=True)


def _record_rejection(ctx: ServiceContext, exc: Rejected) -> None:
    """Remember which pending event the center refused, and why (the field, if named)."""
    with ctx.db.transaction() as session:
        pending = event_log.iter_events(session, state_row(session).acked_seq)
        event = next((e for e in pending if e.id == exc.event_id), None) if exc.event_id else next(pending, None)
        if event is None or session.get(SyncRejectionRow, event.id) is not None:
            return
        session.add(
            SyncRejectionRow(
                event_id=event.id, seq=event.seq, reason=exc.message, field=exc.field, at=ctx.clock.stamp()
            )
        )


def _record(ctx: ServiceContext, error: str | None) -> None:
    with ctx.db.transaction() as session:
        row = state_row(session)
        row.last_error = error
        if error is None:
            row.last_success_at = ctx.clock.stamp()
