"""One error body for every refusal: ``ErrorBody`` (code, Chinese message, field, expected_seq)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol.encoding import PUSH_ENCODINGS
from sync.protocol.models import ErrorBody, ErrorCode

from ..services.errors import ServiceError

log = logging.getLogger(__name__)

STATUS_OF: dict[str, int] = {
    ErrorCode.INVALID_REQUEST: 422,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.REVOKED: 403,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.CONFLICT: 409,
    ErrorCode.GAP: 409,
    ErrorCode.CHAIN_BROKEN: 422,
    ErrorCode.REJECTED: 422,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.OUTDATED: 426,
    ErrorCode.ENROLL_FAILED: 400,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BLOB_MISMATCH: 422,
    ErrorCode.BLOB_OFFSET: 409,
    ErrorCode.UNSUPPORTED_ENCODING: 415,
}

_GENERIC: dict[int, str] = {
    400: "请求不正确",
    401: "身份验证失败，请重新登记本站",
    403: "没有权限进行此操作",
    404: "请求的地址不存在",
    405: "不支持此请求方法",
    413: "上传的数据过大",
    429: "请求过于频繁，请稍后再试",
}


def http_error(exc: ServiceError) -> HTTPException:
    """The HTTPException a route raises for a refused use case."""
    status = STATUS_OF.get(exc.code, 400)
    log.info("refused (%s %s): %s", status, exc.code, exc.message)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return HTTPException(status, detail=exc.body().model_dump(exclude_none=True), headers=headers)


def error(status: int, code: str, message: str, **extra: Any) -> HTTPException:
    return HTTPException(status, detail=ErrorBody(code=code, message=message, **extra).model_dump(exclude_none=True))


def _json(status: int, body: ErrorBody, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


async def _on_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.detail, dict) and "code" in exc.detail:
        return JSONResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    message = _GENERIC.get(exc.status_code, f"请求失败（{exc.status_code}）")
    return _json(exc.status_code, ErrorBody(code=f"http_{exc.status_code}", message=message), exc.headers)


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first: dict[str, Any] = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return _json(422, ErrorBody(code=ErrorCode.INVALID_REQUEST, message="请求内容不是有效的 JSON 数据"))
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    field = ".".join(loc) or None
    if first.get("type") == "string_unicode":  # a lone surrogate ("\ud800" in the JSON) in a typed field
        message = f"请求数据中“{field or '请求体'}”含有无法识别的字符（不成对的代理码位），镇中心不能保存"
    else:
        message = f"请求数据格式不正确：{field or '请求体'}（{first.get('msg', '')}）"
    return _json(422, ErrorBody(code=ErrorCode.INVALID_REQUEST, message=message, field=field))


def body_too_large() -> HTTPException:
    """For a request body past its limit (also a gzip bomb); raised while the route reads its body."""
    return error(413, ErrorCode.TOO_LARGE, "上传的数据过大，请分批上传")


def bad_body(message: str = "上传的数据已损坏（无法解压），请重新上传") -> HTTPException:
    return error(400, ErrorCode.INVALID_REQUEST, message)


def too_many_attempts(message: str, retry_after: int) -> HTTPException:
    """429 ``ErrorCode.TOO_MANY_ATTEMPTS`` with ``Retry-After`` (wrong enrollment codes)."""
    exc = error(429, ErrorCode.TOO_MANY_ATTEMPTS, message)
    exc.headers = {"Retry-After": str(retry_after)}
    return exc


def unsupported_encoding(message: str) -> HTTPException:
    """415 for a body coding this center does not know; ``Accept-Encoding`` names those it does (RFC 7694)."""
    exc = error(415, ErrorCode.UNSUPPORTED_ENCODING, message)
    exc.headers = {"Accept-Encoding": ", ".join(PUSH_ENCODINGS)}
    return exc


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("处理请求时出错", exc_info=exc)
    return _json(500, ErrorBody(code="internal", message="镇中心服务器内部错误，请稍后重试"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(Exception, _on_unexpected)
