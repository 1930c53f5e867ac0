"""Domain errors. Every message is Simplified Chinese and safe to show a user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """One input field is invalid. ``field`` names it so a form can point at it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class IllegalTransition(DomainError):
    """A case was asked to move in a way its state machine does not allow."""


class ChainBroken(DomainError):
    """An event log's hash chain does not verify (a row was edited or removed)."""
