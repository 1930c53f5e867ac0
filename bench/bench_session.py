"""The clerk's inputs: the session with the villager present (target ≤ 25) and a case's whole life.

Runs the scripted walk-throughs (``tests/desktop/ui/test_session_walkthrough.py`` and
``test_lifecycle_walkthrough.py``: real widgets, offscreen) in a child process and prints each
input count with the path it took (and the signatures asked for over the lifecycle).
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

TESTS = ("tests/desktop/ui/test_session_walkthrough.py", "tests/desktop/ui/test_lifecycle_walkthrough.py")
ROOT = Path(__file__).resolve().parent.parent


def run() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        session, lifecycle = Path(tmp) / "session.json", Path(tmp) / "lifecycle.json"
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "QT_LOGGING_RULES": "qt.qpa.*=false",
            "SESSION_RESULT": str(session),
            "LIFECYCLE_RESULT": str(lifecycle),
        }
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if not session.exists() or not lifecycle.exists():
            raise RuntimeError(f"walk-through did not finish: {proc.stdout[-2000:]}")
        walked = json.loads(session.read_text(encoding="utf-8"))
        life = json.loads(lifecycle.read_text(encoding="utf-8"))
    passed = proc.returncode == 0
    yield figure("session_inputs", walked["inputs"], "inputs", target=25, path=walked["path"], passed=passed)
    yield figure(
        "lifecycle_inputs",
        life["inputs"],
        "inputs",
        signatures=life["signatures"],
        before={"inputs": 85, "signatures": 13},
        path=life["path"],
        passed=passed,
    )
