"""No migration imports the application's own code (issue 19).

A migration must keep doing what it did when it was written, however the app's modules change later: what
it needs of them (a masking rule, a status word, the sealing of rows) is copied into it, frozen. So a
migration may import the standard library, alembic, SQLAlchemy and cryptography, but nothing from
``desktop``, ``sync`` or ``forms`` — at module level or inside a function. ``env.py`` of each tree is not a
migration: it hands the current models to alembic's autogenerate and is meant to follow them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = sorted(
    path
    for folder in ("desktop/store/migrations/versions", "sync/server/migrations/versions")
    for path in (ROOT / folder).glob("*.py")
    if path.name != "__init__.py"
)
APP_PACKAGES = ("desktop", "sync", "forms")


def app_imports(source: str) -> list[str]:
    """The modules of the app a Python file imports, anywhere in it (relative imports count too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        else:
            continue
        found += [name for name in names if name.startswith(".") or name.split(".")[0] in APP_PACKAGES]
    return found


def test_the_check_sees_every_kind_of_import() -> None:
    source = "import os\nimport sync.crypto\nfrom desktop.store import db\ndef f():\n    from forms import page\n"
    assert app_imports(source + "from . import x\nfrom alembic import op\n") == [
        "sync.crypto",
        "desktop.store",
        ".",
        "forms",
    ]


def test_both_trees_have_migrations() -> None:
    assert {path.parent.parent.parent.name for path in MIGRATIONS} == {"store", "server"}


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda path: path.name)
def test_a_migration_imports_no_app_code(path: Path) -> None:
    assert app_imports(path.read_text(encoding="utf-8")) == [], f"{path.name}: copy what it needs into it"
