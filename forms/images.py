"""PNG pictures of PDF pages through poppler's ``pdftoppm`` (for docs and golden-image tests).

A developer tool, not used when printing: it needs the ``pdftoppm`` program (poppler-utils).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def pdf_to_pngs(pdf: bytes, dpi: int) -> list[bytes]:
    """One PNG per page, rendered at ``dpi``."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "form.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp) / "page")], check=True)
        pages = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [p.read_bytes() for p in pages]


def compact(png: bytes, colors: int = 64) -> bytes:
    """The same picture with a small palette: a fraction of the size, fine for documentation."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, "PNG", optimize=True)
    return out.getvalue()
