"""The clerk's session with the villager present: inputs from 新建委托 to the printed forms (target ≤ 25).

Runs the scripted walk-through (``tests/desktop/ui/test_session_walkthrough.py``, real widgets,
offscreen) in a child process and prints its input count with the path it took.
``python -m bench session`` runs only this one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import figure

TEST = "tests/desktop/ui/test_session_walkthrough.py"
ROOT = Path(__file__).resolve().parent.parent


def run() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "session.json"
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "QT_LOGGING_RULES": "qt.qpa.*=false",
            "SESSION_RESULT": str(result),
        }
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if not result.exists():
            raise RuntimeError(f"walk-through did not finish: {proc.stdout[-2000:]}")
        data = json.loads(result.read_text(encoding="utf-8"))
    yield figure(
        "session_inputs",
        data["inputs"],
        "inputs",
        target=25,
        path=data["path"],
        passed=proc.returncode == 0,
    )
