"""Comparing a rendered page with its reviewed reference picture."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageStat

# A page passes when both hold: anti-aliasing noise stays far below, a moved row or a
# missing block of text goes far above (see test_golden_catches_layout_changes).
MAX_MEAN_DIFF = 0.25  # mean absolute grey-level difference, 0..255
MAX_CHANGED = 0.0006  # share of pixels whose grey level differs by more than CHANGED_LEVEL
CHANGED_LEVEL = 64


@dataclass(frozen=True)
class Difference:
    mean: float
    changed: float
    same_size: bool

    @property
    def ok(self) -> bool:
        return self.same_size and self.mean <= MAX_MEAN_DIFF and self.changed <= MAX_CHANGED

    def __str__(self) -> str:
        return f"mean diff {self.mean:.3f} (max {MAX_MEAN_DIFF}), changed {self.changed:.4%} (max {MAX_CHANGED:.3%})"


def grey_png(png: bytes) -> bytes:
    """References are kept in grey levels: a third of the size, and layout is what they guard."""
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("L").save(out, "PNG", optimize=True)
    return out.getvalue()


def compare(actual_png: bytes, reference_png: bytes) -> tuple[Difference, Image.Image | None]:
    actual = Image.open(io.BytesIO(actual_png)).convert("L")
    reference = Image.open(io.BytesIO(reference_png)).convert("L")
    if actual.size != reference.size:
        return Difference(255.0, 1.0, False), None
    diff = ImageChops.difference(actual, reference)
    mean = ImageStat.Stat(diff).mean[0]
    strongest = diff.point(lambda v: 255 if v > CHANGED_LEVEL else 0)
    changed = strongest.histogram()[255] / (actual.width * actual.height)
    return Difference(mean, changed, True), diff
