"""Versioned wire schema shared by the station client and the town-center server.

Every model here is what travels over HTTP (JSON) or inside a transfer file.
``PROTOCOL_VERSION`` changes when a change is not backward compatible; the
server refuses a handshake from an older major version with a Chinese message.
"""

from __future__ import annotations

from .models import (
    MAX_BATCH_BYTES,
    MAX_BATCH_EVENTS,
    MAX_BLOB_BYTES,
    MAX_BLOB_CHUNK_BYTES,
    PROTOCOL_VERSION,
    BlobStatus,
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
    "PushReply",
    "WireEvent",
    "wire_events",
]
