"""``SyncClient``: the station's requests-based client of the town-center API.

Every method raises only ``SyncError`` subclasses (see ``errors``), with a
Chinese message. Pushes are compressed (``sync.protocol.encoding``) and
idempotent on the server, so any call cut off by the network can simply be
repeated.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from sync import __version__
from sync.domain.errors import ChainBroken
from sync.domain.events import GENESIS_HASH, Event, chain_digest, verify_chain
from sync.protocol import encoding
from sync.protocol.models import (
    MAX_BATCH_BYTES,
    MAX_BATCH_EVENTS,
    PER_EVENT_REFUSALS,
    PER_EVENT_REFUSALS_HEADER,
    PROTOCOL_VERSION,
    BlobStatus,
    DigestReply,
    EnrollReply,
    ErrorCode,
    EventList,
    HandshakeReply,
    HealthReply,
    PullReply,
    PushReply,
)
from sync.protocol.releases import RELEASE_CHUNK_BYTES, ReleaseManifest, SignedRelease

from . import blobs, releases
from .address import check_center_url
from .batching import split_batches
from .errors import BadResponse, ChainMismatch, NotEnrolled
from .transport import http_error, json_of, transport_error

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)

#: Push codings learned per center (base URL) in this process: a fallback is paid once, not on every sync.
_KNOWN_CODINGS: dict[str, str] = {}
#: (base URL, token fingerprint) of the centers greeted in this process: one handshake per center and station
#: identity per process, not per sync (the protocol version is checked on every request anyway).
_GREETED: set[tuple[str, str]] = set()

#: Optional headers on push and pull with what the station has not yet sent (its stations page at the center).
REPORT_HEADERS = {
    "last_seq": "X-Station-Last-Seq",
    "pending_events": "X-Station-Pending-Events",
    "pending_bytes": "X-Station-Pending-Bytes",
}


def _refuses_coding(response: requests.Response) -> bool:
    """The center did not understand the body's coding: 415 (protocol 1.1+), or a center older than 1.1
    that read the compressed bytes as JSON (422 ``invalid_request`` naming no field)."""
    if response.status_code == 415:
        return True
    if response.status_code != 422:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") == ErrorCode.INVALID_REQUEST and not body.get("field")


def _fallback_coding(response: requests.Response, tried: set[str]) -> str:
    """After a refusal: the best coding not yet ``tried`` the center lists in ``Accept-Encoding`` (a 415 of
    protocol 1.1+, e.g. a center that knows ``dbt-zdict-1`` but not ``dbt-zdict-2``), else ``gzip``."""
    offered = [c.strip().lower() for c in response.headers.get("Accept-Encoding", "").split(",")]
    return next((c for c in encoding.PUSH_ENCODINGS if c in offered and c not in tried), encoding.GZIP)


API = "/api/v1"
DEFAULT_TIMEOUT = (10.0, 60.0)  # (connect, read) seconds: generous for a 64 kbit/s link


class Enrollment(NamedTuple):
    station_id: str
    token: str


@dataclass(frozen=True)
class PushAllResult:
    acked_seq: int
    accepted: int
    duplicates: int
    batches: int


class SyncClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        verify: bool | str = True,
        session: requests.Session | None = None,
        *,
        allow_http: bool = False,
    ) -> None:
        """``allow_http``: talk to a plain ``http://`` center on the local network (see ``address``);
        without it such an address is refused here, before anything is sent."""
        check_center_url(base_url, allow_http=allow_http)
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.verify = verify
        self.http = session or requests.Session()
        #: ``Content-Encoding`` of push bodies: the best this client knows, until the center says otherwise.
        self.push_encoding = _KNOWN_CODINGS.get(self.base_url, encoding.PUSH_ENCODINGS[0])
        #: Take refused events in the push reply (``PushReply.refused``) rather than a 422 (stations before it).
        self.per_event_refusals = True
        #: ``X-Station-*`` headers sent on push and pull (``report_status``); empty until set.
        self.report_headers: dict[str, str] = {}
        #: The center's public key for its transfer files, told at enrollment ("" before, or from an older center).
        self.center_signing_key = ""

    # -- plumbing ---------------------------------------------------------------------------------------------------

    def _headers(self, auth: bool) -> dict[str, str]:
        headers = {"X-Protocol-Version": PROTOCOL_VERSION, "User-Agent": f"daibantong/{__version__}"}
        if auth:
            if not self.token:
                raise NotEnrolled("本站尚未连接镇中心，请先用镇中心提供的登记码登记")
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        json_body: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        allow_statuses: tuple[int, ...] = (),
        idempotent: bool = True,
    ) -> requests.Response:
        """One HTTP exchange; raise a SyncError for transport failures and non-2xx answers.

        An ``idempotent`` request (every sync call is: the server skips what it already has)
        is tried once more when the connection breaks without an answer, which is what a
        kept-alive connection closed by the server at the same moment looks like.
        """
        all_headers = self._headers(auth) | (headers or {})
        attempts = 2 if idempotent else 1
        for attempt in range(attempts):
            try:
                response = self.http.request(
                    method,
                    self.base_url + API + path,
                    json=json_body,
                    data=data,
                    headers=all_headers,
                    params=params,
                    timeout=self.timeout,
                    verify=self.verify,
                )
                break
            except requests.ConnectionError as exc:
                if attempt + 1 < attempts and not isinstance(exc, requests.Timeout | requests.exceptions.SSLError):
                    continue
                raise transport_error(exc) from exc
            except requests.RequestException as exc:
                raise transport_error(exc) from exc
        if response.status_code >= 400 and response.status_code not in allow_statuses:
            raise http_error(response)
        return response

    def _greeting_key(self) -> tuple[str, str]:
        fingerprint = hashlib.sha256(self.token.encode()).hexdigest()[:16] if self.token else ""
        return self.base_url, fingerprint

    @property
    def greeted(self) -> bool:
        """Whether this process has already shaken hands with this center under this client's token."""
        return self._greeting_key() in _GREETED

    def mark_greeted(self) -> None:
        """Remember the greeting (also for a center that cannot be greeted at all: not retried on every sync)."""
        _GREETED.add(self._greeting_key())

    def report_status(self, *, pending_events: int, pending_bytes: int, last_seq: int) -> None:
        """Carry what the station has not yet sent on the following pushes and pulls (``X-Station-*``)."""
        values = {"last_seq": last_seq, "pending_events": pending_events, "pending_bytes": pending_bytes}
        self.report_headers = {REPORT_HEADERS[k]: str(max(0, int(v))) for k, v in values.items()}

    def parse(self, model: type[M], response: requests.Response) -> M:
        try:
            return model.model_validate(json_of(response))
        except ValidationError as exc:
            raise BadResponse("镇中心服务器的回复格式不正确，请确认服务器版本", status=response.status_code) from exc

    # -- API --------------------------------------------------------------------------------------------------------

    def health(self) -> HealthReply:
        return self.parse(HealthReply, self.request("GET", "/health", auth=False))

    def handshake(
        self,
        station_id: str | None = None,
        *,
        pending_events: int | None = None,
        pending_bytes: int | None = None,
        last_seq: int | None = None,
        signing_public_key: str | None = None,
    ) -> HandshakeReply:
        """Announce protocol and app version; ``ProtocolOutdated`` when the center refuses them.

        With a token, the center records the versions and what the station has not yet sent
        (the optional ``pending_*``/``last_seq`` fields) for its stations page, and registers the station's
        signing key for transfer files if it has none yet (``signing_public_key``).
        """
        body: dict[str, Any] = {
            "protocol_version": PROTOCOL_VERSION,
            "app_version": __version__,
            "station_id": station_id,
        }
        report = {
            "pending_events": pending_events,
            "pending_bytes": pending_bytes,
            "last_seq": last_seq,
            "signing_public_key": signing_public_key,
        }
        body.update({k: v for k, v in report.items() if v is not None})
        response = self.request("POST", "/sync/handshake", auth=self.token is not None, json_body=body)
        reply = self.parse(HandshakeReply, response)
        self._choose_push_encoding(reply.push_encodings)
        if self.token is not None:
            self.mark_greeted()
        return reply

    def _choose_push_encoding(self, offered: list[str]) -> None:
        """The best push coding both sides know; ``gzip`` with a center from before protocol 1.1 (none offered)."""
        coding = next((c for c in encoding.PUSH_ENCODINGS if c in offered), encoding.GZIP)
        self.push_encoding = _KNOWN_CODINGS[self.base_url] = coding

    def enroll(
        self, code: str, *, station_id: str | None = None, station_code: str | None = None, name: str | None = None
    ) -> Enrollment:
        """Use a one-time code; returns (station_id, token) and keeps the token on this client, with the
        center's public signing key (``center_signing_key``, "" from an older center)."""
        body = {"code": code, "station_id": station_id, "station_code": station_code, "name": name}
        body["app_version"] = __version__
        reply = self.parse(EnrollReply, self.request("POST", "/enroll", auth=False, json_body=body, idempotent=False))
        self.token = reply.token
        self.center_signing_key = reply.center_signing_key
        return Enrollment(reply.station_id, reply.token)

    def push(self, events: Sequence[Event], batch_id: str | None = None, *, station_id: str | None = None) -> PushReply:
        """Send one batch. Raises SequenceGap, Conflict, Rejected, TooLarge, AuthError, ConnectionFailed…

        The body is a compact batch deflated with the shared preset dictionary (``encoding.DICT_V2``, or
        the best coding the center's handshake offered); a center that refuses the coding gets the best
        other one its 415 lists, or plain gzip with full events, from then on.
        """
        if station_id is None:
            if not events:
                raise ValueError("push() of no events needs station_id")
            station_id = events[0].station_id
        batch_id = batch_id or str(uuid.uuid4())
        coding = self.push_encoding
        response = self._post_batch(batch_id, station_id, events, coding)
        tried = {coding}
        while coding != encoding.GZIP and _refuses_coding(response):
            fallback = _fallback_coding(response, tried)
            tried.add(fallback)
            log.info("center refused push coding %s (status %s): using %s", coding, response.status_code, fallback)
            self.push_encoding = _KNOWN_CODINGS[self.base_url] = coding = fallback
            response = self._post_batch(batch_id, station_id, events, coding)
        if response.status_code >= 400:
            raise http_error(response)
        return self.parse(PushReply, response)

    def _post_batch(self, batch_id: str, station_id: str, events: Sequence[Event], coding: str) -> requests.Response:
        data = encoding.encode_push(batch_id, station_id, events, coding)
        headers = {"Content-Type": "application/json", "Content-Encoding": coding} | self.report_headers
        if self.per_event_refusals:
            headers[PER_EVENT_REFUSALS_HEADER] = PER_EVENT_REFUSALS
        return self.request("POST", "/sync/push", data=data, headers=headers, allow_statuses=(415, 422))

    def push_all(
        self,
        unsent_events: Sequence[Event],
        batch_size: int = 500,
        max_bytes: int = MAX_BATCH_BYTES // 2,
        *,
        on_batch: Callable[[PushReply], None] | None = None,
    ) -> PushAllResult:
        """Push events in bounded batches (count and uncompressed bytes), in order.

        A ``SequenceGap`` propagates: its ``expected_seq`` tells the caller where to resend from.
        """
        size = min(batch_size, MAX_BATCH_EVENTS)
        acked = accepted = duplicates = batches = 0
        for batch in split_batches(unsent_events, size, max_bytes):
            reply = self.push(batch, batch_id=str(uuid.uuid4()))
            acked, batches = reply.acked_seq, batches + 1
            accepted += reply.accepted
            duplicates += reply.duplicates
            if on_batch is not None:
                on_batch(reply)
        return PushAllResult(acked_seq=acked, accepted=accepted, duplicates=duplicates, batches=batches)

    def events(self, after_seq: int = 0, limit: int = 500) -> EventList:
        """One page of the station's own events as stored by the center."""
        params = {"after_seq": after_seq, "limit": limit}
        return self.parse(EventList, self.request("GET", "/sync/events", params=params))

    def iter_events(self, after_seq: int = 0, page: int = 500) -> Iterator[Event]:
        while True:
            listing = self.events(after_seq, page)
            for wire in listing.events:
                yield wire.to_event()
            if not listing.has_more:
                return
            after_seq = listing.next_after_seq

    def digest(self, upto: int | None = None) -> DigestReply:
        """Count and hash of the station's events held by the center (those with seq <= ``upto``)."""
        params = {"upto": upto} if upto is not None else None
        return self.parse(DigestReply, self.request("GET", "/sync/digest", params=params))

    def first_difference(self, local: Sequence[Event]) -> int | None:
        """The first seq where the center's log differs from ``local`` (events 1..n in order), or None.

        Bisects with prefix digests (about log2(n) requests), so a mismatch after a sync can be
        repaired from that point instead of by overwriting anything.
        """
        remote = self.digest()
        if (remote.count, remote.hash) == chain_digest(local):
            return None
        lo, hi = 0, min(len(local), remote.last_seq)  # prefixes up to lo agree; find the first bad one
        while lo < hi:
            mid = (lo + hi + 1) // 2
            theirs = self.digest(upto=mid)
            if (theirs.count, theirs.hash) == chain_digest(local[:mid]):
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def pull(self, after: int = 0, limit: int = 500) -> PullReply:
        """Center events for this station after the cursor ``after`` (the center's per-station seq)."""
        params = {"after": after, "limit": limit}
        response = self.request("GET", "/sync/pull", params=params, headers=self.report_headers)
        return self.parse(PullReply, response)

    def pull_events(self, after: int = 0, after_hash: str = GENESIS_HASH, page: int = 500) -> list[Event]:
        """All center events after ``after``, verified as the continuation of the center chain.

        ``after_hash`` is the hash of the last center event already applied (GENESIS_HASH at first).
        Raises ChainMismatch when what arrived does not verify.
        """
        events: list[Event] = []
        cursor = after
        while True:
            reply = self.pull(cursor, page)
            events += [w.to_event() for w in reply.events]
            if not reply.has_more or reply.cursor <= cursor:
                break
            cursor = reply.cursor
        try:
            verify_chain(events, start_hash=after_hash, start_seq=after + 1)
        except ChainBroken as exc:
            raise ChainMismatch(f"从镇中心收到的数据校验失败：{exc.message}，请稍后重新同步") from exc
        return events

    def blob_status(self, sha256: str) -> BlobStatus | None:
        """How much of the blob the center holds, or None if nothing."""
        return blobs.blob_status(self, sha256)

    def upload_blob(
        self,
        data: bytes,
        *,
        chunk_size: int = blobs.DEFAULT_CHUNK,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> BlobStatus:
        """Upload once, resuming where the center stopped; verified by the center on the last chunk."""
        return blobs.upload_blob(self, data, chunk_size=chunk_size, on_progress=on_progress)

    def fetch_blob(self, sha256: str) -> bytes:
        return blobs.fetch_blob(self, sha256)

    def latest_release(self, platform: str) -> SignedRelease | None:
        """The newest station release of ``platform`` the center offers (verify it: ``sync.protocol.releases``)."""
        return releases.latest_release(self, platform)

    def download_release(
        self,
        manifest: ReleaseManifest,
        folder: Path,
        *,
        chunk_size: int = RELEASE_CHUNK_BYTES,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        """The release file, resumed from its part file in ``folder``, checked against the manifest's SHA-256."""
        return releases.download_release(self, manifest, folder, chunk_size=chunk_size, on_progress=on_progress)
