"""Fields that read what the clerk types the way the domain will: 全角 digits and spaces normalised as typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit


def normalise_as_typed(edit: QLineEdit, normalise: Callable[[str], str]) -> None:
    """Rewrite ``edit``'s text through ``normalise`` after every edit (typing, an IME, a paste), cursor kept.

    The field has no length limit: a pasted "110105 19491231 002X" must not be cut to 18 characters
    before its spaces are gone; a number too long after normalising is refused with a message.
    """
    edit.setMaxLength(32767)

    def on_edited(text: str) -> None:
        fixed = normalise(text)
        if fixed != text:
            cursor = len(normalise(text[: edit.cursorPosition()]))
            edit.setText(fixed)
            edit.setCursorPosition(cursor)

    edit.textEdited.connect(on_edited)
