"""Developer commands.

``python -m forms demo OUTDIR``: write every form, filled with demo data, as PDF files (one file per
form, named after it); the two list forms (代办台账, 档案移交清单) also as .xlsx.

``python -m forms images OUTDIR [DPI]``: the same forms as PNG pictures, one per page (needs
poppler's pdftoppm); used for docs/forms/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from forms import demo_files

USAGE = "用法：python -m forms demo 输出目录 | python -m forms images 输出目录 [分辨率DPI]"


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] not in ("demo", "images") or (argv[1] == "demo" and len(argv) != 3):
        sys.stderr.write(USAGE + "\n")
        return 2
    out = Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    if argv[1] == "demo":
        for name, make in {**demo_files.DEMO_FILES, **demo_files.DEMO_XLSX}.items():
            (out / name).write_bytes(make())
            sys.stdout.write(f"{out / name}\n")
        return 0
    from forms import images

    dpi = int(argv[3]) if len(argv) > 3 else 150
    for name, make in demo_files.DEMO_FILES.items():
        for n, png in enumerate(images.pdf_to_pngs(make(), dpi), 1):
            target = out / f"{Path(name).stem}-{n}.png"
            target.write_bytes(images.compact(png))
            sys.stdout.write(f"{target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
