"""Inline SVG charts drawn on the server (no JavaScript)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape


def satisfaction_bars(rows: Sequence[tuple[str, float | None]], target: float = 0.98) -> str:
    """Horizontal bars of 满意率 per station, with the target line; stations without ratings say so."""
    bar_h, gap, left, width = 26, 10, 230, 420
    height = 40 + len(rows) * (bar_h + gap)
    values = [v for _label, v in rows if v is not None]
    # the interesting range is 80–100 %; widen it (in steps of 10 %) when a station is below
    lo = min(0.8, max(0.0, math.floor(min(values, default=1.0) * 10) / 10 - 0.1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="各代办站满意率" class="chart" '
        f'viewBox="0 0 {left + width + 90} {height}" width="{left + width + 90}" height="{height}">'
    ]

    def x(value: float) -> float:
        return left + max(0.0, (value - lo) / (1 - lo)) * width

    step = 0.05 if lo >= 0.8 else 0.1
    for tick in [lo + i * step for i in range(round((1 - lo) / step) + 1)]:
        parts.append(f'<line x1="{x(tick):.1f}" y1="20" x2="{x(tick):.1f}" y2="{height - 10}" class="grid"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="14" class="tick">{tick:.0%}</text>')
    for i, (label, value) in enumerate(rows):
        y = 26 + i * (bar_h + gap)
        parts.append(f'<text x="{left - 8}" y="{y + bar_h * 0.7:.1f}" class="label">{escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{left + 6}" y="{y + bar_h * 0.7:.1f}" class="none">暂无评价</text>')
            continue
        css = "ok" if value >= target else "bad"
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(2.0, x(value) - left):.1f}" height="{bar_h}" class="{css}"/>'
        )
        parts.append(f'<text x="{x(value) + 6:.1f}" y="{y + bar_h * 0.7:.1f}" class="value">{value:.1%}</text>')
    parts.append(
        f'<line x1="{x(target):.1f}" y1="20" x2="{x(target):.1f}" y2="{height - 10}" class="target"/>'
        f'<text x="{x(target) - 4:.1f}" y="{height - 1}" class="target-label">目标{target:.0%}</text></svg>'
    )
    return "".join(parts)


def trend_lines(
    months: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]], target: float = 0.98
) -> str:
    """Lines of rates month by month (``series``: label, one value per month or None, css class), with the
    target line; a month without a value breaks the line there."""
    left, top, width, height, bottom = 48, 16, 640, 220, 40
    values = [v for _label, points, _css in series for v in points if v is not None]
    lo = min(0.8, max(0.0, math.floor(min(values, default=1.0) * 10) / 10 - 0.1))
    step_x = width / max(1, len(months) - 1)

    def x(i: int) -> float:
        return left + i * step_x

    def y(value: float) -> float:
        return top + (1 - (value - lo) / (1 - lo)) * height

    total_w, total_h = left + width + 200, top + height + bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="月度趋势" class="chart trend" '
        f'viewBox="0 0 {total_w} {total_h}" width="{total_w}" height="{total_h}">'
    ]
    step = 0.05 if lo >= 0.8 else 0.1
    for tick in [lo + i * step for i in range(round((1 - lo) / step) + 1)]:
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + width}" y2="{y(tick):.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" class="tick" text-anchor="end">{tick:.0%}</text>')
    for i, month in enumerate(months):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + height + 18}" class="tick" text-anchor="middle">{escape(month[2:])}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{y(target):.1f}" x2="{left + width}" y2="{y(target):.1f}" class="target"/>'
        f'<text x="{left + width + 6}" y="{y(target) + 4:.1f}" class="target-label" style="text-anchor: start">'
        f"目标{target:.0%}</text>"
    )
    for n, (label, points, css) in enumerate(series):
        runs: list[list[str]] = [[]]
        for i, value in enumerate(points):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(i):.1f},{y(value):.1f}")
            tip = f"<title>{escape(label)} {escape(months[i])}：{value:.1%}</title>"
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" class="{css}">{tip}</circle>')
        parts += [f'<polyline points="{" ".join(run)}" class="{css} line"/>' for run in runs if len(run) > 1]
        legend_y = top + height // 2 + n * 22  # below the target label, which sits near the top
        parts.append(f'<rect x="{left + width + 30}" y="{legend_y - 9}" width="14" height="4" class="{css}"/>')
        parts.append(f'<text x="{left + width + 50}" y="{legend_y}" class="label-left">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
