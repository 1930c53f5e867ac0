"""Who installs what (issue 18): a station install carries no server packages, a center install no Qt.

The closures are resolved from pyproject.toml's lists and the metadata of the distributions installed in
this environment (``importlib.metadata``), the way pip would resolve them on this platform (Linux markers;
Windows-only requirements such as keyring's pywin32-ctypes are not followed), without installing anything.
Each side's closure must also cover every third-party module its code imports, so a new import without
its dependency fails here rather than in a station's install.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OURS = {"desktop", "sync", "forms", "resources", "bench", "tests"}

SERVER_ONLY = {
    "fastapi", "starlette", "uvicorn", "psycopg", "psycopg-binary", "jinja2", "python-multipart", "pwdlib",
    "prometheus-client",
}  # fmt: skip
STATION_ONLY = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6", "keyring", "pypinyin"}
DEV_ONLY = {"pytest", "hypothesis", "pyinstaller", "mypy", "ruff", "qrcode", "httpx", "playwright"}

# What each side runs: the station is desktop/ on the shared core and the client; the center is sync/server/.
STATION_CODE = ["desktop", "sync/domain", "sync/protocol", "sync/client", "sync/__init__.py", "forms"]
CENTER_CODE = ["sync/server", "sync/domain", "sync/protocol", "sync/__init__.py", "forms"]


def _requirements_of_project(extras: set[str]) -> list[Requirement]:
    found = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in sorted(extras):
        found += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return found


def closure(extras: set[str]) -> set[str]:
    """Canonical names of the distributions ``pip install ".[extras]"`` brings in (the project excluded)."""
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    todo = _requirements_of_project(extras)
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name == "daibantong":
            todo += _requirements_of_project(set(req.extras))
            continue
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(name)
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:  # pragma: no cover - a stale venv: say which
            pytest.fail(f"{name} is not installed: run `bash .ci/setup` after changing pyproject.toml")
        for line in dist.requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in {"", *req.extras}):
                todo.append(sub)
    return names


def imported_top_level(paths: list[str]) -> set[str]:
    """Third-party top-level modules imported anywhere (also inside functions) under the given paths."""
    modules: set[str] = set()
    for rel in paths:
        base = ROOT / rel
        for file in [base] if base.is_file() else base.rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in OURS and m != "__future__"}


def _uncovered(code: list[str], dists: set[str]) -> dict[str, list[str]]:
    providers = md.packages_distributions()
    missing = {}
    for module in sorted(imported_top_level(code)):
        names = {canonicalize_name(d) for d in providers.get(module, [])}
        if not names & dists:
            missing[module] = sorted(names)
    return missing


def test_station_install_has_no_server_packages() -> None:
    station = closure({"station"})
    assert "pyside6" in station and "reportlab" in station
    assert not station & SERVER_ONLY, f"station install brings in {sorted(station & SERVER_ONLY)}: {sorted(station)}"
    assert not station & DEV_ONLY, sorted(station & DEV_ONLY)


def test_center_install_has_no_qt() -> None:
    center = closure({"center"})
    assert {"fastapi", "uvicorn", "psycopg", "reportlab", "openpyxl"} <= center
    assert not center & STATION_ONLY, f"center install brings in {sorted(center & STATION_ONLY)}: {sorted(center)}"
    assert not center & DEV_ONLY, sorted(center & DEV_ONLY)


def test_bundle_extra_builds_from_a_station_install() -> None:
    bundle = closure({"bundle"})
    assert "pyinstaller" in bundle and "pyside6" in bundle
    assert not bundle & SERVER_ONLY, sorted(bundle & SERVER_ONLY)


def test_dev_pulls_in_both_sides() -> None:
    assert closure({"station"}) | closure({"center"}) <= closure({"dev"})


@pytest.mark.parametrize(("extra", "code"), [("station", STATION_CODE), ("center", CENTER_CODE)])
def test_each_side_installs_what_its_code_imports(extra: str, code: list[str]) -> None:
    assert _uncovered(code, closure({extra})) == {}
