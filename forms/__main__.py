"""``python -m forms demo OUTDIR``: write every form, filled with demo data, as PDF files.

The two list forms (代办台账, 档案移交清单) are also written as .xlsx.
"""

from __future__ import annotations

import sys
from pathlib import Path

from forms import demo_files

USAGE = "用法：python -m forms demo 输出目录"


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] != "demo":
        sys.stderr.write(USAGE + "\n")
        return 2
    out = Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for name, make in {**demo_files.DEMO_FILES, **demo_files.DEMO_XLSX}.items():
        (out / name).write_bytes(make())
        sys.stdout.write(f"{out / name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
