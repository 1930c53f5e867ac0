"""Screens reach services through the narrow interfaces they are given, never through the session's context.

An AST scan of ``desktop/ui``: outside the allow-list below, no module imports the store or the
``ServiceContext``, names a ``ctx`` or reads a ``.ctx`` attribute. The allow-list is the composition:
``application.py`` opens the database and builds the window, ``facade.py`` binds the session's services
for the screens. ``desktop/ui/demo`` (the demo station and the screenshot script, which build a demo station
to photograph) holds no screen and is not scanned.
"""

from __future__ import annotations

import ast
from pathlib import Path

import desktop.ui

UI = Path(desktop.ui.__file__).parent
ALLOWED = {"application.py", "facade.py"}
FORBIDDEN_MODULES = ("desktop.store", "desktop.services.context")


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(FORBIDDEN_MODULES):
            found.append(f"{where} imports {node.module}")
        elif isinstance(node, ast.Import):
            found += [f"{where} imports {a.name}" for a in node.names if a.name.startswith(FORBIDDEN_MODULES)]
        elif isinstance(node, ast.Attribute) and node.attr == "ctx":
            found.append(f"{where} reads .ctx")
        elif isinstance(node, ast.Name) and node.id == "ctx":
            found.append(f"{where} uses ctx")
        elif isinstance(node, ast.arg) and node.arg == "ctx":
            found.append(f"{where} takes ctx")
    return found


def test_no_screen_touches_the_context_or_the_store():
    found = [v for path in sorted(UI.glob("*.py")) if path.name not in ALLOWED for v in _violations(path)]
    assert found == [], "screens must get a narrow service interface (see docs/architecture.md):\n" + "\n".join(found)


def test_the_scan_sees_a_violation(tmp_path: Path):
    bad = tmp_path / "bad_screen.py"
    bad.write_text(
        "from desktop.store import settings\n"
        "from desktop.services.context import ServiceContext\n"
        "def f(ctx):\n    return facade.ctx.db\n",
        encoding="utf-8",
    )
    assert len(_violations(bad)) == 4


def test_the_allow_list_is_still_needed():
    """An allowed module that no longer touches the context leaves the allow-list."""
    for name in ALLOWED:
        assert _violations(UI / name), f"{name} no longer needs to be allowed"
