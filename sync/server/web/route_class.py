"""Route class of the staff pages: refusals become a redirect to the login page, the refused form shown again
or a Chinese error page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError

from .deps import PASSWORD_PATH, PREFIX, LoginRequired, PasswordChangeRequired, WebError, render
from .refusals import PageRefusal


class WebRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = request.url.path if request.method == "GET" else PREFIX + "/"
                return RedirectResponse(f"{PREFIX}/login?next={quote(target)}", status_code=303)
            except PasswordChangeRequired:
                return RedirectResponse(PASSWORD_PATH, status_code=303)
            except PageRefusal as exc:
                return exc.response
            except WebError as exc:
                return _error_page(request, exc.status, exc.message)
            except DataError:  # e.g. a NUL character, which PostgreSQL refuses in text: the action did nothing
                return _error_page(request, 422, "输入中含有无法保存的字符，请检查后重新输入")

        return guarded


def _error_page(request: Request, status: int, message: str) -> Response:
    """The Chinese error page, in the frame of every page (the header names the reader's own center)."""
    return render(request, "error.html", status, message=message)
