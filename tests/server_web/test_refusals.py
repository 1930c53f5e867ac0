"""The one way a staff page answers a refused use case (sync.server.web.refusals)."""

from __future__ import annotations

import pytest
from fastapi import Response

from sync.protocol.models import ErrorCode
from sync.server.services.errors import ServiceError
from sync.server.web.deps import WebError
from sync.server.web.refusals import PageRefusal, refusal_as_error, refusal_shown


def test_a_refusal_shown_carries_the_page_built_from_it() -> None:
    with pytest.raises(PageRefusal) as caught, refusal_shown(lambda exc: Response(exc.message, status_code=422)):
        raise ServiceError(ErrorCode.INVALID_REQUEST, "请填写姓名")
    assert caught.value.response.status_code == 422
    assert caught.value.response.body == "请填写姓名".encode()


def test_a_refusal_as_error_keeps_the_message_and_takes_the_status_by_code() -> None:
    with pytest.raises(WebError) as caught, refusal_as_error(422, {ErrorCode.NOT_FOUND: 404}):
        raise ServiceError(ErrorCode.NOT_FOUND, "没有这条差评回访记录")
    assert (caught.value.status, caught.value.message) == (404, "没有这条差评回访记录")
    with pytest.raises(WebError) as caught, refusal_as_error(422, {ErrorCode.NOT_FOUND: 404}):
        raise ServiceError(ErrorCode.CONFLICT, "这条差评已回访整改完毕")
    assert caught.value.status == 422


def test_other_errors_pass_through_and_success_is_untouched() -> None:
    with pytest.raises(ValueError), refusal_as_error():
        raise ValueError("not a refusal")
    with refusal_shown(lambda exc: Response()):
        done = True
    assert done
