"""Case states and actions are named once, in ``sync.domain.case_rules``; the station compares against those."""

from __future__ import annotations

import ast
from pathlib import Path

from desktop.ui import case_actions
from sync.domain.case_rules import ACTIONS, CaseState

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"
STATE_VALUES = frozenset(s.value for s in CaseState)


def _literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _state_literals_compared(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every comparison against a raw case-state string (``x == "suspended"``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                found += [(node.lineno, v) for v in _literals(side) if v in STATE_VALUES]
    return found


def test_the_check_sees_a_raw_state_string() -> None:
    assert _state_literals_compared('if view.state.value == "suspended": pass') == [(1, "suspended")]
    assert _state_literals_compared('ok = state in ("archived", "x")') == [(1, "archived")]
    assert _state_literals_compared("if view.state is CaseState.SUSPENDED: pass") == []


def test_the_station_compares_case_states_only_through_case_state() -> None:
    offenders = [
        f"{path.relative_to(DESKTOP.parent)}:{line}: {value!r}"
        for path in sorted(DESKTOP.rglob("*.py"))
        if "migrations" not in path.parts  # a released migration is frozen, its strings included
        for line, value in _state_literals_compared(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_action_the_case_page_names_is_one_of_the_domains() -> None:
    named = {*case_actions.BUTTON_LABELS, *case_actions.ORDER}
    assert named <= set(ACTIONS)
