"""Errors a form raises on input it cannot print; ``message`` is shown to the clerk as is."""

from __future__ import annotations


class FormDataError(ValueError):
    """The record cannot be printed (e.g. a damaged signature image)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
