"""A route class that accepts ``Content-Encoding: gzip`` bodies, bounded in size."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from sync.protocol.models import MAX_BATCH_BYTES

from .errors import bad_body, body_too_large

#: Room for the JSON envelope around a maximal batch.
MAX_BODY_BYTES = MAX_BATCH_BYTES + 256 * 1024


def gunzip_bounded(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise bad_body() from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise body_too_large()
    return out


class BoundedGzipRequest(Request):
    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            length = self.headers.get("content-length")
            if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
                raise body_too_large()
            chunks: list[bytes] = []
            size = 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise body_too_large()
                chunks.append(chunk)
            body = b"".join(chunks)
            if "gzip" in self.headers.get("content-encoding", "").lower():
                body = gunzip_bounded(body, MAX_BODY_BYTES)
            self._body = body
        return self._body


class GzipRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            return await handler(BoundedGzipRequest(request.scope, request.receive))

        return route_handler
