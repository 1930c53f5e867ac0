"""A route class that decodes compressed request bodies (``sync.protocol.encoding``), bounded in size."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from sync.protocol import encoding
from sync.protocol.models import MAX_BATCH_BYTES

from .errors import bad_body, body_too_large, unsupported_encoding

#: Room for the JSON envelope around a maximal batch.
MAX_BODY_BYTES = MAX_BATCH_BYTES + 256 * 1024


def decode_bounded(data: bytes, content_encoding: str | None, limit: int) -> bytes:
    """The body inflated per its ``Content-Encoding``; 415/400/413 refusals with a Chinese message."""
    try:
        return encoding.decode(data, encoding.parse_coding(content_encoding), limit)
    except encoding.UnsupportedEncoding as exc:
        raise unsupported_encoding(exc.message) from exc
    except encoding.BodyTooLarge as exc:
        raise body_too_large() from exc
    except encoding.BodyError as exc:
        raise bad_body(exc.message) from exc


#: An enrollment or another small JSON request: a code, a station code, versions.
MAX_SMALL_BODY_BYTES = 16 * 1024


class BoundedGzipRequest(Request):
    """A request whose body is read at most ``limit`` bytes far, raw and inflated, then refused (413)."""

    limit = MAX_BODY_BYTES

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            length = self.headers.get("content-length")
            if length and length.isdigit() and int(length) > self.limit:
                raise body_too_large()
            chunks: list[bytes] = []
            size = 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > self.limit:
                    raise body_too_large()
                chunks.append(chunk)
            self._body = decode_bounded(b"".join(chunks), self.headers.get("content-encoding"), self.limit)
        return self._body


class SmallBodyRequest(BoundedGzipRequest):
    limit = MAX_SMALL_BODY_BYTES


class GzipRoute(APIRoute):
    """Routes whose requests are read through ``request_class``: bounded before anything is parsed."""

    request_class: type[BoundedGzipRequest] = BoundedGzipRequest

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        request_class = self.request_class

        async def route_handler(request: Request) -> Response:
            return await handler(request_class(request.scope, request.receive))

        return route_handler


class SmallBodyRoute(GzipRoute):
    """Unauthenticated routes (enrollment): a few KB, so no one can fill the server's memory through them."""

    request_class = SmallBodyRequest
