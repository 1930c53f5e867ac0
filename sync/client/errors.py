"""Sync errors: what can go wrong talking to the town center, in Chinese.

``SyncError.message`` is shown to the clerk as is. Subclasses tell the caller
what to do: retry later (``ConnectionFailed``, ``ServerError``), resend from
``SequenceGap.expected_seq``, show a record to a person (``Rejected``,
``Conflict`` with ``event_id``), or re-enroll (``AuthError``).
"""

from __future__ import annotations

from sync.protocol.models import ErrorBody


class SyncError(Exception):
    def __init__(self, message: str, *, status: int | None = None, body: ErrorBody | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body

    @property
    def code(self) -> str | None:
        return self.body.code if self.body else None

    @property
    def field(self) -> str | None:
        return self.body.field if self.body else None

    @property
    def event_id(self) -> str | None:
        return self.body.event_id if self.body else None

    @property
    def retryable(self) -> bool:
        """True when simply trying again later may succeed."""
        return False


class ConnectionFailed(SyncError):
    """No answer: network down, refused, reset or cut in the middle."""

    @property
    def retryable(self) -> bool:
        return True


class TimedOut(ConnectionFailed):
    pass


class TlsError(ConnectionFailed):
    """The server's certificate did not verify; not retried blindly."""

    @property
    def retryable(self) -> bool:
        return False


class InsecureAddress(SyncError):
    """An ``http://`` center address the operator did not allow (``address.check_center_url``)."""


class ServerError(SyncError):
    """5xx or an answer we cannot read."""

    @property
    def retryable(self) -> bool:
        return True


class BadResponse(ServerError):
    pass


class AuthError(SyncError):
    """Missing, unknown or revoked token: the station must enroll again."""


class NotEnrolled(AuthError):
    pass


class StationRevoked(AuthError):
    pass


class EnrollmentFailed(SyncError):
    pass


class TooManyAttempts(EnrollmentFailed):
    """429: the center pauses enrollment after repeated wrong codes; ``retry_after`` seconds to wait."""

    def __init__(
        self, message: str, retry_after: int | None, *, status: int | None = None, body: ErrorBody | None = None
    ) -> None:
        super().__init__(message, status=status, body=body)
        self.retry_after = retry_after


class Forbidden(SyncError):
    pass


class ProtocolOutdated(SyncError):
    """The server refuses this app's protocol version: upgrade the app."""


class Rejected(SyncError):
    """The server refused the data; ``event_id``/``field`` say which record and field."""


class Conflict(Rejected):
    """Same event id (or seq) with different content already at the center: a person must look."""


class TooLarge(Rejected):
    pass


class SequenceGap(SyncError):
    """The server holds fewer events than assumed; resend from ``expected_seq``."""

    def __init__(self, message: str, expected_seq: int, *, status: int | None = None, body: ErrorBody | None = None):
        super().__init__(message, status=status, body=body)
        self.expected_seq = expected_seq


class BlobOffset(Rejected):
    """A chunk was sent at the wrong offset; continue at ``expected_offset``."""

    @property
    def expected_offset(self) -> int:
        return self.body.expected_offset or 0 if self.body else 0


class BlobMismatch(Rejected):
    """The uploaded bytes do not hash to the blob's address."""


class ChainMismatch(SyncError):
    """Events received from the center do not verify (hash chain broken or out of order)."""


class KeyringUnavailable(SyncError):
    """No OS keyring backend to keep the token in."""


class WrongPassword(KeyringUnavailable):
    """The password does not open the encrypted token file."""


class WeakPassword(KeyringUnavailable):
    pass


class TransferFileError(SyncError):
    """A USB transfer file is damaged, forged or not for this station."""
