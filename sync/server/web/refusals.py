"""How a staff page answers a refused use case (a ``ServiceError``): the one mechanism the routes share.

Either the form comes back with the Chinese message (``refusal_shown``), or the refusal becomes the error
page with a status (``refusal_as_error``). Both wrap the work, transaction included, so that what the
refused work wrote is rolled back before the answer is built::

    with refusal_shown(lambda exc: _page(request, session, exc.message, 422)), session.begin():
        ...

``WebRoute`` turns the exceptions raised here into the response.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from fastapi import Response

from ..services.errors import ServiceError
from .deps import WebError


class PageRefusal(Exception):
    """A refusal answered by a page of the route's own (its form again, with the message)."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


@contextmanager
def refusal_shown(page: Callable[[ServiceError], Response]) -> Iterator[None]:
    """A ``ServiceError`` in the block is answered with ``page(exc)``."""
    try:
        yield
    except ServiceError as exc:
        raise PageRefusal(page(exc)) from None


@contextmanager
def refusal_as_error(status: int = 422, by_code: Mapping[str, int] | None = None) -> Iterator[None]:
    """A ``ServiceError`` in the block is answered with the error page: its message, with ``status``
    (or the status ``by_code`` gives its ``ErrorCode``)."""
    try:
        yield
    except ServiceError as exc:
        raise WebError((by_code or {}).get(exc.code, status), exc.message) from None
