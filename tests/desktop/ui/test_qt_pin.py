"""Regression guard for the pinned Qt: PySide6 6.12.0 on Python 3.11 dropped a reference to None on
every void call (``setText``…) and the interpreter aborted after a few thousand calls. 6.11.3 does not."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for _ in range(300_000):
    label.setText("代办")
assert sys.getrefcount(None) >= before - 10, (before, sys.getrefcount(None))
"""


def test_many_void_calls_do_not_abort_the_interpreter() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )
    assert out.returncode == 0, out.stderr[-500:]
