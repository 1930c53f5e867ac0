"""Versioned wire schema shared by the station client and the town-center server.

Every model here is what travels over HTTP (JSON) or inside a transfer file.
``PROTOCOL_VERSION`` ("major.minor") changes when the wire changes; clients send
it in ``X-Protocol-Version`` on every request and the server refuses an
outdated one with 426 and a Chinese message (also ``POST /sync/handshake``).

API (prefix ``/api/v1``; all but health, handshake and enroll need
``Authorization: Bearer <token>``; every refusal is an ``ErrorBody``):

* ``GET /health`` → ``HealthReply``; ``POST /enroll`` ``EnrollRequest`` → ``EnrollReply``
* ``POST /sync/push`` ``PushBatch`` → ``PushReply``; body coded ``dbt-zdict-2`` / ``dbt-zdict-1`` (a compact
  batch deflated with the preset dictionary, v2 with compact signature references), ``gzip`` or plain
  (``encoding``; 415 for another coding); 409 conflict or
  ``sequence_gap`` (``expected_seq``), 422 ``chain_broken``/``rejected`` (``event_id``,
  ``field``), 413 past ``MAX_BATCH_EVENTS``/``MAX_BATCH_BYTES``, 403 other station's data
* ``GET /sync/events?after_seq=&limit=`` → ``EventList`` (the station's own events)
* ``GET /sync/digest[?upto=N]`` → ``DigestReply`` (``chain_digest`` of events ≤ N)
* ``GET /sync/pull?after=&limit=`` → ``PullReply``: the station's *center chain*, the
  events the center addressed to it (``origin="center"``), numbered 1, 2, … per
  station and hash-linked from ``GENESIS_HASH``; ``after`` is the last seq applied
* ``HEAD|PUT|GET /blobs/{sha256}``: resumable upload (``?offset=&total=``, raw body
  ≤ ``MAX_BLOB_CHUNK_BYTES``; headers ``Upload-Offset``/``Upload-Length``/
  ``X-Blob-Complete``), verified against the address on the last byte

Events that need blobs (``case.attach`` with ``payload["sha256"]``, or any
``payload["blobs"]`` list of SHA-256 strings) are refused until those blobs are
complete: upload blobs first, then push. USB transfer files: ``transfer``.
"""

from __future__ import annotations

from .models import (
    MAX_BATCH_BYTES,
    MAX_BATCH_EVENTS,
    MAX_BLOB_BYTES,
    MAX_BLOB_CHUNK_BYTES,
    PROTOCOL_VERSION,
    BlobStatus,
    ConflictNote,
    DigestReply,
    EnrollReply,
    EnrollRequest,
    ErrorBody,
    ErrorCode,
    EventList,
    Handshake,
    HandshakeReply,
    HealthReply,
    PullReply,
    PullRequest,
    PushBatch,
    PushEvent,
    PushReply,
    WireEvent,
    wire_events,
)

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_BATCH_EVENTS",
    "MAX_BLOB_BYTES",
    "MAX_BLOB_CHUNK_BYTES",
    "PROTOCOL_VERSION",
    "BlobStatus",
    "ConflictNote",
    "DigestReply",
    "EnrollReply",
    "EnrollRequest",
    "ErrorBody",
    "ErrorCode",
    "EventList",
    "Handshake",
    "HandshakeReply",
    "HealthReply",
    "PullReply",
    "PullRequest",
    "PushBatch",
    "PushEvent",
    "PushReply",
    "WireEvent",
    "wire_events",
]
