"""Push, listing, digest and handshake: ``/api/v1/sync/...``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query

from sync import __version__
from sync.domain.errors import ChainBroken
from sync.protocol.encoding import PUSH_ENCODINGS, expand_chain
from sync.protocol.models import (
    MAX_BATCH_EVENTS,
    PER_EVENT_REFUSALS,
    PER_EVENT_REFUSALS_HEADER,
    DigestReply,
    ErrorBody,
    ErrorCode,
    EventList,
    Handshake,
    HandshakeReply,
    PullReply,
    PushBatch,
    PushReply,
)

from ...core.signing import center_public_key, signing_key_path
from ...services.center_events import pull as pull_center
from ...services.errors import ServiceError
from ...services.ingest import ingest, refuse_bad_text
from ...services.queries import digest, list_events
from ...services.station_status import record_handshake, record_pull, record_report
from ...services.versions import check_protocol
from .. import metrics
from ..deps import CurrentStation, OptionalToken, SessionDep, SettingsDep, StationReport, check_client_protocol
from ..errors import error, http_error
from ..gzip_route import GzipRoute

router = APIRouter(prefix="/sync", tags=["sync"], route_class=GzipRoute, dependencies=[Depends(check_client_protocol)])

_REFUSALS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 409, 413, 415, 422, 426)
}


@router.post("/handshake", response_model=HandshakeReply, responses=_REFUSALS)
def handshake(hello: Handshake, settings: SettingsDep, session: SessionDep, token: OptionalToken) -> HandshakeReply:
    """Check the protocol; with the station's token, also record its version and unsent events."""
    refusal = check_protocol(hello.protocol_version, settings.min_protocol_version)
    if refusal:
        raise error(426, ErrorCode.OUTDATED, refusal)
    registered = False
    if token is not None:
        try:
            with session.begin():
                station = record_handshake(session, token, hello)
                sent = hello.signing_public_key
                registered = sent is not None and station.signing_public_key == sent
        except ServiceError as exc:
            raise http_error(exc) from exc
    return HandshakeReply(
        accepted=True,
        server_version=__version__,
        message="",
        server_time=settings.clock.stamp(),
        push_encodings=list(PUSH_ENCODINGS),
        center_signing_key=center_public_key(signing_key_path(settings)),
        station_key_registered=registered,
    )


@router.post("/push", response_model=PushReply, responses=_REFUSALS)
def push(
    batch: PushBatch,
    station: CurrentStation,
    session: SessionDep,
    report: StationReport,
    refusals: Annotated[str | None, Header(alias=PER_EVENT_REFUSALS_HEADER, max_length=20)] = None,
) -> PushReply:
    """Store a batch atomically; resending is harmless; answers the highest contiguous seq held.

    Events whose content the center refuses are kept in the chain marked refused and listed in ``refused``
    (``services.ingest``). A client without ``X-Push-Refusals: per-event`` (older stations) is answered 422
    naming the first newly refused event instead, after the batch is stored; its resend then goes through.

    The optional ``X-Station-*`` headers (what the station has not yet sent) are recorded for the stations
    page, with the batch, or on their own when the batch is refused.
    """
    if batch.station_id != station.id:
        raise error(403, ErrorCode.FORBIDDEN, "本站只能上传自己的数据")
    if len(batch.events) > MAX_BATCH_EVENTS:
        raise error(413, ErrorCode.TOO_LARGE, f"一批最多上传{MAX_BATCH_EVENTS}条记录，请分批上传")
    try:
        received = [e.to_event() for e in batch.events]
        refuse_bad_text(received)  # before expand_chain hashes them
        events = expand_chain(received)
    except ServiceError as exc:
        raise http_error(exc) from exc
    except ChainBroken as exc:
        raise error(422, ErrorCode.CHAIN_BROKEN, f"数据校验失败：{exc.message}", field="hash") from exc
    try:
        with session.begin():
            result = ingest(session, station.id, batch.batch_id, events)
            record_report(session, station.id, report)
    except ServiceError as exc:
        with session.begin():
            record_report(session, station.id, report)
        metrics.record_refused_push()
        raise http_error(exc) from exc
    metrics.record_push(result.accepted, len(result.newly_refused))
    if result.newly_refused and refusals != PER_EVENT_REFUSALS:
        first = next(n for n in result.refused if n.event_id == result.newly_refused[0])
        raise error(422, ErrorCode.REJECTED, first.message, field=first.field, event_id=first.event_id)
    return PushReply(
        batch_id=batch.batch_id,
        acked_seq=result.acked_seq,
        accepted=result.accepted,
        duplicates=result.duplicates,
        conflicts=result.conflicts,
        refused=result.refused,
    )


@router.get("/events", response_model=EventList, responses=_REFUSALS)
def events(
    station: CurrentStation,
    session: SessionDep,
    after_seq: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_BATCH_EVENTS)] = 500,
) -> EventList:
    """The station's own stored events after ``after_seq``, in order."""
    with session.begin():
        return list_events(session, station.id, after_seq, limit)


@router.get("/digest", response_model=DigestReply, responses=_REFUSALS)
def station_digest(
    station: CurrentStation, session: SessionDep, upto: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None
) -> DigestReply:
    """Count and chain digest of the station's stored events (``chain_digest``), optionally up to seq ``upto``."""
    with session.begin():
        return digest(session, station.id, upto)


@router.get("/pull", response_model=PullReply, responses=_REFUSALS)
def pull(
    station: CurrentStation,
    session: SessionDep,
    report: StationReport,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_BATCH_EVENTS)] = 500,
) -> PullReply:
    """Center events for this station after the cursor ``after`` (its center chain's seq).

    Records the time and the optional ``X-Station-*`` report (the desktop sends it after its push).
    """
    with session.begin():
        record_pull(session, station.id, report)
        return pull_center(session, station.id, after, limit)
