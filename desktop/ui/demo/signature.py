"""A demo signature (王小川 as pen strokes) for screenshots, the demo station and tests of the pad.

Kept out of ``signature_dialog`` so that a screen carries no demo code (and the screenshot script that used
to live there no longer pulled the application into the screen's imports: an import cycle).
"""

from __future__ import annotations

import math
from itertools import pairwise

from ..signature_pad import SignaturePad

#: "王小川" as pen strokes: polylines in box units (drawn left to right, top to bottom).
DEMO_NAME = "王小川"
DEMO_STROKES: tuple[tuple[tuple[float, float], ...], ...] = (
    ((62, 58), (100, 55), (138, 52)),  # 王 横
    ((70, 96), (104, 94), (130, 92)),  # 王 横
    ((99, 56), (101, 100), (102, 136)),  # 王 竖
    ((54, 140), (100, 137), (150, 133)),  # 王 提横
    ((238, 42), (240, 90), (239, 130), (233, 138), (224, 131)),  # 小 竖钩
    ((208, 78), (198, 100), (186, 118)),  # 小 左点
    ((266, 80), (278, 98), (290, 114)),  # 小 右点
    ((368, 46), (366, 86), (358, 116), (342, 140)),  # 川 撇
    ((406, 58), (407, 96), (408, 126)),  # 川 竖
    ((446, 40), (447, 90), (449, 146)),  # 川 竖
)


def demo_points(strokes: tuple[tuple[tuple[float, float], ...], ...] = DEMO_STROKES) -> list[list[tuple[float, ...]]]:
    """Pen-like samples along the polylines: 8 ms apart, pressure rising and easing off."""
    out: list[list[tuple[float, ...]]] = []
    t = 0.0
    for polyline in strokes:
        samples: list[tuple[float, float]] = []
        for (x0, y0), (x1, y1) in pairwise(polyline):
            steps = max(2, round(math.dist((x0, y0), (x1, y1)) / 3))
            samples += [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(steps)]
        samples.append(polyline[-1])
        samples = [(x + 30, y) for x, y in samples]
        stroke: list[tuple[float, ...]] = []
        for i, (x, y) in enumerate(samples):
            phase = i / max(1, len(samples) - 1)
            stroke.append((x, y, t, 0.35 + 0.45 * math.sin(math.pi * min(1.0, phase * 1.4))))
            t += 8
        out.append(stroke)
        t += 180
    return out


def draw_demo(pad: SignaturePad) -> None:
    for stroke in demo_points():
        pad.add_stroke(stroke)
