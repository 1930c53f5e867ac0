"""A body limit on every route, before anything parses the body: ``BodyLimit`` (ASGI middleware).

A declared ``Content-Length`` past the route's limit is refused at once, unread; a body without one
(chunked) is counted as it streams and refused the moment it passes the limit. Either way the answer
is the Chinese 413 of ``errors.body_too_large``. Compressed bodies are bounded here on the wire and
again after inflating by the routes that inflate them (``gzip_route.BoundedGzipRequest``); no other
route inflates anything. Limits (``LIMITS``, first matching path prefix; ``DEFAULT_LIMIT`` otherwise):

* enrollment, unauthenticated: 16 KB (``MAX_SMALL_BODY_BYTES``);
* push and the rest of ``/sync``: a maximal batch and its envelope (``MAX_BODY_BYTES``);
* blob uploads: one chunk (``MAX_BLOB_CHUNK_BYTES``) and room for its headers' worth of slack;
* the director's publish page: 1 MB, which is also Starlette's own bound on one form field (the demo
  catalog, 104 KB of JSON, is 235 KB as a form: 4.4 times within);
* every other staff form: 256 KB (the largest, a decision with its texts, is a few KB).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol.models import MAX_BLOB_CHUNK_BYTES

from .errors import body_too_large
from .gzip_route import MAX_BODY_BYTES, MAX_SMALL_BODY_BYTES

KiB = 1024
DEFAULT_LIMIT = 256 * KiB
LIMITS: tuple[tuple[str, int], ...] = (
    ("/api/v1/enroll", MAX_SMALL_BODY_BYTES),
    ("/api/v1/sync/", MAX_BODY_BYTES),
    ("/api/v1/blobs/", MAX_BLOB_CHUNK_BYTES + 64 * KiB),
    ("/center/publish/", 1024 * KiB),
)


class _TooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its limit (FastAPI lets HTTPExceptions through)."""


def limit_for(path: str, limits: Sequence[tuple[str, int]] = LIMITS, default: int = DEFAULT_LIMIT) -> int:
    return next((limit for prefix, limit in limits if path.startswith(prefix)), default)


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    return int(value) if value is not None and value.strip().isdigit() else None


class BodyLimit:
    """Refuse (413) request bodies past ``limit_for(path)``, declared or streamed, before they are parsed."""

    def __init__(self, app: ASGIApp, limits: Sequence[tuple[str, int]] = LIMITS, default: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limits = tuple(limits)
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.limits, self.default)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refusal = body_too_large()
                    raise _TooLarge(refusal.status_code, refusal.detail)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracked_send)
        except _TooLarge:
            if started:  # the route answered and then read on: nothing more to say on this connection
                return
            await _refuse(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    """The 413, without reading the body; the server closes the connection after it (the body is unread)."""
    refusal = body_too_large()
    response = JSONResponse(refusal.detail, status_code=413, headers={"Connection": "close"})
    await response(scope, receive, send)
