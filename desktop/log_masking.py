"""Safety net for the station's log file: no full 身份证 or mobile number is ever written to it.

The app does not log personal data in the first place; this formatter masks
whatever still slips through (an exception message quoting a value, SQL
parameters in a database error) in the whole formatted record, traceback
included: 18-character ID numbers → 110105********002X, mobile numbers →
138****8000.
"""

from __future__ import annotations

import logging
import re

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)\d{4}(\d{4})(?![0-9A-Za-z])")


def mask_numbers(text: str) -> str:
    return _MOBILE.sub(r"\1****\2", _ID.sub(r"\1********\2", text))


class MaskingFormatter(logging.Formatter):
    """A formatter whose output never holds a full 身份证 or mobile number."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_numbers(super().format(record))
