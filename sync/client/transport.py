"""HTTP plumbing of the client: one place where ``requests`` failures become ``SyncError``."""

from __future__ import annotations

import logging
from typing import Any

import requests
from pydantic import ValidationError

from sync.protocol.models import ErrorBody, ErrorCode

from .errors import (
    AuthError,
    BadResponse,
    BlobMismatch,
    BlobOffset,
    Conflict,
    ConnectionFailed,
    EnrollmentFailed,
    Forbidden,
    ProtocolOutdated,
    Rejected,
    SequenceGap,
    ServerError,
    StationRevoked,
    SyncError,
    TimedOut,
    TlsError,
    TooLarge,
    TooManyAttempts,
)

log = logging.getLogger(__name__)

NO_CONNECTION = "无法连接镇中心服务器，请检查网络"


def transport_error(exc: requests.RequestException) -> SyncError:
    log.info("sync transport error: %r", exc)
    if isinstance(exc, requests.exceptions.SSLError):
        return TlsError("无法验证镇中心服务器的安全证书，请确认服务器地址正确，或联系镇中心")
    if isinstance(exc, requests.Timeout):
        return TimedOut("连接镇中心服务器超时，请检查网络后重试")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return ConnectionFailed("镇中心服务器地址不正确，请检查")
    if isinstance(exc, requests.ConnectionError):
        return ConnectionFailed(NO_CONNECTION)
    return ConnectionFailed(f"{NO_CONNECTION}（传输中断）")


def _error_body(response: requests.Response) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate(response.json())
    except (ValueError, ValidationError):
        return None


def http_error(response: requests.Response) -> SyncError:
    """The SyncError for a non-2xx answer, using the server's Chinese message when it gave one."""
    status = response.status_code
    body = _error_body(response)
    if status >= 500 or body is None:
        if status < 500 and status != 404:
            return BadResponse(f"镇中心服务器的回复无法识别（状态码 {status}）", status=status)
        if status == 404:
            return BadResponse("镇中心服务器不支持此功能，请确认服务器地址和版本", status=status)
        return ServerError(f"镇中心服务器出错（状态码 {status}），请稍后重试", status=status, body=body)
    message = body.message
    if status == 429:
        return TooManyAttempts(message, _retry_after(response), status=status, body=body)
    if body.code == ErrorCode.GAP and body.expected_seq is not None:
        return SequenceGap(message, body.expected_seq, status=status, body=body)
    kinds: dict[str, type[SyncError]] = {
        ErrorCode.REVOKED: StationRevoked,
        ErrorCode.UNAUTHORIZED: AuthError,
        ErrorCode.FORBIDDEN: Forbidden,
        ErrorCode.OUTDATED: ProtocolOutdated,
        ErrorCode.ENROLL_FAILED: EnrollmentFailed,
    }
    if body.code in kinds:
        return kinds[body.code](message, status=status, body=body)
    if body.code == ErrorCode.BLOB_OFFSET:
        return BlobOffset(message, status=status, body=body)
    if body.code == ErrorCode.BLOB_MISMATCH:
        return BlobMismatch(f"服务器拒绝了附件：{message}", status=status, body=body)
    if status == 401:
        return AuthError(message, status=status, body=body)
    if status == 403:
        return Forbidden(message, status=status, body=body)
    if status == 409 and body.code == ErrorCode.CONFLICT:
        return Conflict(f"服务器拒绝了数据：{message}", status=status, body=body)
    if status == 413:
        return TooLarge(f"服务器拒绝了数据：{message}", status=status, body=body)
    return Rejected(f"服务器拒绝了数据：{message}", status=status, body=body)


def _retry_after(response: requests.Response) -> int | None:
    """``Retry-After`` in seconds (the center never sends the HTTP-date form)."""
    text = response.headers.get("Retry-After", "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def json_of(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise BadResponse("镇中心服务器的回复无法识别（不是有效的 JSON）", status=response.status_code) from exc
