"""Errors a form raises on input it cannot print; ``message`` is shown to the clerk as is."""

from __future__ import annotations


class FormDataError(ValueError):
    """The record cannot be printed (e.g. a damaged signature image)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnprintableCharacter(FormDataError):
    """A character that no embedded font draws: the print stops rather than leave a blank.

    ``field`` names where it was found (委托人姓名, 地址 …) when the record was checked before
    the layout; the last-resort check inside the font knows only the character.
    """

    def __init__(self, char: str, field: str = "") -> None:
        where = f"“{field}”中的" if field else "表格中的"
        super().__init__(
            f"{where}字“{char}”（U+{ord(char):04X}）没有可用的字体，打印出来会是空白，所以没有打印。"
            "请核对这个字是否录入正确；确属生僻字的，请先手写填在纸面上，并告知技术支持。"
        )
        self.char = char
        self.field = field
