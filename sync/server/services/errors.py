"""Refusals of the town center's use cases; routes map ``code`` to an HTTP status."""

from __future__ import annotations

from sync.protocol.models import ErrorBody


class ServiceError(Exception):
    """A refused request. ``code`` is an ``ErrorCode`` value; ``message`` is Chinese."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        expected_seq: int | None = None,
        event_id: str | None = None,
        expected_offset: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.expected_seq = expected_seq
        self.event_id = event_id
        self.expected_offset = expected_offset

    def body(self) -> ErrorBody:
        return ErrorBody(
            code=self.code,
            message=self.message,
            field=self.field,
            expected_seq=self.expected_seq,
            event_id=self.event_id,
            expected_offset=self.expected_offset,
        )
