"""Checks on a built station bundle (called by .ci/bundle): `python packaging/check_bundle.py BUNDLE_DIR`.

1. It carries none of the town center's or the development tools' packages (issue 18): neither as modules
   in the executable's archive nor as folders beside it.
2. Linux: every shared library and plugin in it finds the libraries it names as NEEDED, in the bundle or on
   the system (`ldd`). A library left out by build.spec that a kept plugin still needs shows up here, not
   on a station PC when the clerk first opens the camera (the FFmpeg media plugin needs libQt6Quick).
3. Linux: Qt answers what it asks ICU (collation as the file dialog sorts, the Chinese encodings, time-zone
   names) the same with the bundle's trimmed ICU data (packaging/icu_data.py) as with the full one.
Exits 1 with what is wrong.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FORBIDDEN = {
    # the town center
    "fastapi", "starlette", "uvicorn", "psycopg", "psycopg_binary", "jinja2", "pwdlib", "argon2", "fontTools",
    "multipart", "python_multipart", "prometheus_client", "sync.server",
    # development
    "pytest", "hypothesis", "mypy", "PyInstaller", "qrcode", "pypdf", "pdfminer", "playwright", "schemathesis",
}  # fmt: skip


def _archive_modules(executable: Path) -> set[str]:
    listing = subprocess.run(
        [sys.executable, "-m", "PyInstaller.utils.cliutils.archive_viewer", "--list", "--recursive", str(executable)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = set()
    for line in listing.splitlines():
        if line.rstrip().endswith("'") and ", " in line:
            names.add(line.rstrip().rsplit(", ", 1)[1].strip("'"))
    return names


def forbidden_parts(bundle: Path) -> list[str]:
    executable = next(p for p in (bundle / "daibantong", bundle / "daibantong.exe") if p.is_file())
    found = []
    modules = _archive_modules(executable)
    for package in sorted(FORBIDDEN):
        carried = sorted(m for m in modules if m == package or m.startswith(package + "."))
        if carried:
            found.append(f"package {package} ({len(carried)} modules, e.g. {carried[0]})")
    internal = bundle / "_internal"
    for entry in sorted(internal.iterdir()):
        top = entry.name.split("-")[0].split(".")[0]  # fastapi-0.165.0.dist-info, psycopg_binary.libs
        if top in FORBIDDEN:
            found.append(f"folder {entry.name}")
    return found


def unresolved_libraries(bundle: Path) -> list[str]:
    internal = bundle / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    problems = []
    for path in sorted(internal.rglob("*.so*")):
        if path.is_symlink() or not path.is_file() or path.suffix == ".py":
            continue
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, check=False).stdout
        missing = [line.split()[0] for line in out.splitlines() if "not found" in line]
        if missing:
            problems.append(f"{path.relative_to(internal)} needs {', '.join(missing)}")
    return problems


# What Qt asks ICU for, printed: run once with the venv's full ICU data, once with the bundle's preloaded.
ICU_PROBE = """
import functools
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone, Qt
names = ["张三", "李四", "王五", "阿宝", "赵六", "欧阳", "吕", "曾", "单", "𠮷田", "备份10.db", "备份9.db", "Zeta", "a"]
for locale in ["zh_CN", "zh_TW", "en_US", "C"]:
    collator = QCollator(QLocale(locale))
    collator.setNumericMode(True)  # as QFileSystemModel sorts
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    print(locale, sorted(names, key=functools.cmp_to_key(collator.compare)))
for codec in ["GB18030", "GBK", "GB2312", "Big5", "Big5-HKSCS", "windows-936", "EUC-CN", "UTF-16LE", "ISO-8859-1"]:
    print(codec, QStringDecoder(codec).isValid(), QStringDecoder(codec).name())
zone = QTimeZone(b"Asia/Shanghai")
for locale in ["zh_CN", "en_US"]:
    for kind in QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName, QTimeZone.NameType.OffsetName:
        print(locale, kind, zone.displayName(QTimeZone.TimeType.StandardTime, kind, QLocale(locale)))
print(QLocale("tr_TR").toUpper("istanbul"), QLocale("zh_CN").toUpper("straße"))
"""


def icu_differences(bundle: Path) -> list[str]:
    trimmed = next((p for p in (bundle / "_internal").rglob("libicudata.so.*") if not p.is_symlink()), None)
    if trimmed is None:
        return []

    def answers(**env: str) -> list[str]:
        run = subprocess.run(
            [sys.executable, "-c", ICU_PROBE], capture_output=True, text=True, env={**os.environ, **env}, check=True
        )
        return run.stdout.splitlines()

    full, small = answers(), answers(LD_PRELOAD=str(trimmed))
    pairs = zip(full, small, strict=True)
    return [f"ICU: {a!r} with the full data, {b!r} with the bundle's" for a, b in pairs if a != b]


def main(argv: list[str]) -> int:
    bundle = Path(argv[1])
    problems = [f"bundle carries {part}" for part in forbidden_parts(bundle)]
    if sys.platform.startswith("linux"):
        problems += unresolved_libraries(bundle)
        problems += icu_differences(bundle)
    for problem in problems:
        sys.stderr.write(f"bundle check: {problem}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
