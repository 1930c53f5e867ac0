"""Data files shipped with the app: fonts, catalog, holidays, icons, style sheet.

``path()`` finds them in a source checkout, an installed package and a
PyInstaller bundle alike.
"""

from __future__ import annotations

import sys
from pathlib import Path


def root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent


def path(relative: str) -> Path:
    """Absolute path of a resource, e.g. ``path("holidays/cn.json")``."""
    return root() / relative


def read_text(relative: str) -> str:
    return path(relative).read_text(encoding="utf-8")
