"""PySide6 6.12 on Python 3.11 drops a reference to None per void call; the guard keeps the app alive."""

from __future__ import annotations

import subprocess
import sys

from desktop.ui.none_guard import keep_none_alive

SCRIPT = """
import desktop.ui
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range(300_000):
    label.setText("代办")
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


def test_topping_up_is_idempotent() -> None:
    keep_none_alive()
    assert keep_none_alive() == 0
    assert sys.getrefcount(None) >= 1 << 30 or sys.version_info >= (3, 12)
