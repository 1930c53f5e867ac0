"""Keep ``None`` alive on Python 3.11 with PySide6 6.12.

The PySide6 6.12.0 wheels return ``None`` from every void method (``setText``,
``processEvents``, ``qWait`` …) without taking a reference, a fault that only
bites before Python 3.12 made ``None`` immortal: each call drops one
reference, and after a few thousand calls the interpreter aborts with
"none_dealloc: deallocating None". We add the missing references to
``None``'s count directly (CPython keeps it in the object's first word), with
no container that could release them again at exit, and top up from a timer.
Remove this module once the runtime is Python >= 3.12 or PySide6 is fixed.
"""

from __future__ import annotations

import ctypes
import sys

MINIMUM = 1 << 30


def keep_none_alive(minimum: int = MINIMUM) -> int:
    """Make sure ``None`` has at least ``minimum`` references; returns how many were added."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return 0
    missing = minimum - sys.getrefcount(None)
    if missing <= 0:
        return 0
    added = missing + minimum
    ctypes.c_ssize_t.from_address(id(None)).value += added
    return added
