"""The whole session with the villager present, through the real window: at most 25 inputs.

The inputs are counted as ``session_walk`` defines them (a click, a key sequence typed into one
field, a key, a signature's stroke set). ``python -m bench session`` runs this test and prints the
count and the path; ``SESSION_SHOTS=DIR`` saves a screenshot of each step.
"""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.ui.main_window import MainWindow
from sync.domain.custody import CLERK

from .session_walk import report, screen_shot, walk

LIMIT = 25


def test_the_session_with_the_villager_takes_at_most_25_inputs(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext, tmp_path: Path
) -> None:
    shots = os.environ.get("SESSION_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    printed = tmp_path / "printed.pdf"
    inputs = walk(qtbot, window, printed, screen_shot(Path(shots) if shots else None))
    report(inputs)

    assert inputs.count <= LIMIT, "\n".join(inputs.steps)
    assert sum(s.startswith("签名") for s in inputs.steps) == 2  # both sign the 委托书 once, nobody again
    assert window.next_steps_dialog is not None
    view = get_case(ctx, window.next_steps_dialog.case_id)
    assert view.state.label == "已受理" and len(view.materials) == 5 and all(m.present for m in view.materials)
    assert view.intake_covered and {holder for _name, holder in view.custody} == {CLERK}
    assert printed.stat().st_size > 0
