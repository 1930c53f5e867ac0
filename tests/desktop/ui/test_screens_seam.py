"""Screens reach services through the narrow interfaces they are given, never through the session's context.

An AST scan of ``desktop/ui``: outside the allow-list below, no module imports the store or the
``ServiceContext``, names a ``ctx`` or reads a ``.ctx`` attribute. The allow-list is the composition:
``application.py`` opens the database and builds the window, ``facade.py`` binds the session's services
for the screens. ``desktop/ui/demo`` (the demo station and the screenshot script, which build a demo station
to photograph) holds no screen and is not scanned.

The same scan checks the two halves of the seam (``ops.py``): no screen imports ``StationFacade`` (each
takes the ``Protocol`` of what it calls; only the composition builds the facade), and no screen emits
``changed`` by hand (``WriteOp`` does, for a write that succeeded; besides it only the facade, when the
sync marks cases 同步中).
"""

from __future__ import annotations

import ast
from pathlib import Path

import desktop.ui

UI = Path(desktop.ui.__file__).parent
ALLOWED = {"application.py", "facade.py"}
FORBIDDEN_MODULES = ("desktop.store", "desktop.services.context")
#: Where the facade is built: the composition root and the facade itself.
FACADE_ALLOWED = {"application.py", "facade.py"}
#: Where ``changed`` is emitted: ``WriteOp``, and the facade for the sync's 同步中.
EMIT_ALLOWED = {"ops.py", "facade.py"}


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


def _seam_breaks(path: Path) -> list[str]:
    """Where ``path`` imports ``StationFacade`` or emits ``changed`` (``….changed.emit(…)``), outside the
    allow-lists."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and path.name not in FACADE_ALLOWED:
            found += [f"{where} imports StationFacade" for a in node.names if a.name == "StationFacade"]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "emit"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "changed"
            and path.name not in EMIT_ALLOWED
        ):
            found.append(f"{where} emits changed by hand")
    return found


def test_no_screen_takes_the_whole_facade_or_announces_a_change_by_hand():
    found = [v for path in sorted(UI.glob("*.py")) for v in _seam_breaks(path)]
    why = "take a narrow Protocol and write through WriteOp (see docs/architecture.md):\n"
    assert found == [], why + "\n".join(found)


def test_the_seam_scan_sees_a_break(tmp_path: Path):
    bad = tmp_path / "bad_screen.py"
    bad.write_text(
        "from .facade import StationFacade\n"
        "def saved(facade, changed):\n    facade.changed.emit(changed)\n    facade.clerks_changed.emit('')\n",
        encoding="utf-8",
    )
    assert _seam_breaks(bad) == ["bad_screen.py:1 imports StationFacade", "bad_screen.py:3 emits changed by hand"]


def test_the_seam_allow_lists_are_still_needed():
    for name in FACADE_ALLOWED:
        assert "StationFacade" in (UI / name).read_text(encoding="utf-8"), f"{name} no longer builds the facade"
    for name in EMIT_ALLOWED:
        assert ".changed.emit(" in (UI / name).read_text(encoding="utf-8"), f"{name} no longer emits changed"
