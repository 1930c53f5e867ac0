"""签名: a handwritten signature as vector strokes with timing, or the hash of a paper scan.

Shared by the station and the town center, so standard library only.

Strokes live in a fixed logical box (``BOX_WIDTH`` × ``BOX_HEIGHT``, origin top
left, y down). A point is ``(x, y, t_ms, pressure)``: integer box units, integer
milliseconds since the first point of the signature, pressure 0..1 in steps of
0.01. A ``Signature`` is always valid: the constructor normalizes and checks it
and raises ``ValidationError`` with a Chinese message otherwise.

Wire form (``to_dict``): each stroke is one string of delta-encoded varints in
the base64url alphabet (JSON-safe, no escaping), so a typical signature of a
few hundred points is about 1 KB of JSON. ``digest()`` hashes that form, so it
is the same on both sides of the wire.

Rendering: ``segments()`` turns a stroke into quadratic Bézier segments through
the midpoints of its points; the pad, the PNG preview and the PDF renderer all
draw those, with ``pen_width(pressure)``, so the signature looks the same
everywhere.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

from .errors import ValidationError
from .events import canonical_json
from .text import refuse_bad_chars

BOX_WIDTH = 600
BOX_HEIGHT = 200
#: Where the pad draws its signing line, in box units from the top.
BASELINE_Y = 150

PAD = "pad"
SCAN = "scan"
METHODS = (PAD, SCAN)

APPLICANT = "委托人"
CLERK = "代办员"
WINDOW_STAFF = "窗口工作人员"
#: Usual roles; any short non-empty role is accepted.
ROLES = (APPLICANT, CLERK, WINDOW_STAFF)

#: Default pressure for devices that report none (mouse, most touch screens).
DEFAULT_PRESSURE = 0.5
#: Pen width at ``DEFAULT_PRESSURE``, in box units.
NOMINAL_PEN_WIDTH = 3.2
#: Simplification tolerance in box units: a tenth of the pen width, not visible.
SIMPLIFY_TOLERANCE = 0.6
#: Pressure weight in simplification: a pressure change of 0.05 counts like 1 unit of distance.
PRESSURE_WEIGHT = 20.0

MIN_POINTS = 5
MIN_INK_LENGTH = 40.0
MAX_POINTS = 5000
MAX_ROLE_LENGTH = 20
FORMAT_VERSION = 1

EMPTY = "请先签名"
TOO_SIMPLE = "签名过于简单，请重新签名"
OUT_OF_BOX = "签名笔迹超出签名区域，请重新签名"
TOO_LARGE = "签名数据过多，请清除后重新签名"
BAD_TIMING = "签名笔迹的时间顺序不正确，请重新签名"
NO_SIGNER = "缺少签名人姓名"
NO_ROLE = "缺少签名人身份（如委托人、代办员）"
BAD_METHOD = "不支持的签名方式"
EMPTY_SCAN = "签名照片是空文件，请重新选择"
BAD_SCAN_HASH = "纸质签名照片的校验值无效"
BAD_TIME = "签名时间格式不正确"
CORRUPT = "签名数据已损坏，无法读取"

Point = tuple[int, int, int, float]
Stroke = tuple[Point, ...]
XY = tuple[float, float]

_FIELD = "signature"


def _invalid(message: str) -> ValidationError:
    return ValidationError(_FIELD, message)


# --- geometry -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoundingBox:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Placement:
    """Box units → target units: ``target = box * scale + (dx, dy)``."""

    scale: float
    dx: float
    dy: float

    def map(self, x: float, y: float) -> XY:
        return (x * self.scale + self.dx, y * self.scale + self.dy)


IDENTITY = Placement(1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Segment:
    """A quadratic Bézier piece of a stroke; a straight piece has its control point midway."""

    start: XY
    control: XY
    end: XY
    pressure: float

    @property
    def is_dot(self) -> bool:
        return self.start == self.end == self.control

    def cubic(self) -> tuple[XY, XY, XY, XY]:
        """The same curve as a cubic (for ``curveTo`` APIs such as ReportLab's)."""
        (x0, y0), (cx, cy), (x1, y1) = self.start, self.control, self.end
        c1 = (x0 + 2 / 3 * (cx - x0), y0 + 2 / 3 * (cy - y0))
        c2 = (x1 + 2 / 3 * (cx - x1), y1 + 2 / 3 * (cy - y1))
        return (self.start, c1, c2, self.end)


def pen_width(pressure: float, nominal: float = NOMINAL_PEN_WIDTH) -> float:
    """Stroke width for a pressure; ``nominal`` at the default pressure, 0.5×–1.45× over 0..1."""
    return nominal * (0.55 + 0.9 * max(0.0, min(1.0, pressure)))


def segments(stroke: Sequence[Sequence[float]]) -> list[Segment]:
    """Smooth pieces of one stroke: quadratic curves through the midpoints, the points as controls.

    A point without a pressure (``(x, y, t)``, as ``forms.data.Signature`` may hold) weighs
    ``DEFAULT_PRESSURE``."""
    pts = [(float(p[0]), float(p[1]), float(p[3]) if len(p) > 3 else DEFAULT_PRESSURE) for p in stroke]
    if not pts:
        return []
    if len(pts) == 1:
        x, y, pr = pts[0]
        return [Segment((x, y), (x, y), (x, y), pr)]

    def mid(a: tuple[float, float, float], b: tuple[float, float, float]) -> XY:
        return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)

    def line(a: XY, b: XY, pressure: float) -> Segment:
        return Segment(a, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), b, pressure)

    first, last = pts[0], pts[-1]
    if len(pts) == 2:
        return [line(first[:2], last[:2], (first[2] + last[2]) / 2)]
    out = [line(first[:2], mid(pts[0], pts[1]), first[2])]
    for i in range(1, len(pts) - 1):
        out.append(Segment(mid(pts[i - 1], pts[i]), pts[i][:2], mid(pts[i], pts[i + 1]), pts[i][2]))
    out.append(line(mid(pts[-2], pts[-1]), last[:2], last[2]))
    return out


def simplify(stroke: Sequence[Sequence[float]], tolerance: float = SIMPLIFY_TOLERANCE) -> list[tuple[float, ...]]:
    """Ramer–Douglas–Peucker over (x, y, pressure × ``PRESSURE_WEIGHT``); ends are always kept.

    Every dropped point lies within ``tolerance`` box units of the kept polyline
    (and its pressure within ``tolerance / PRESSURE_WEIGHT``); time stays with the kept points.
    """
    pts = [tuple(float(v) for v in p) for p in stroke]
    if len(pts) <= 2:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_dist = -1, tolerance
        for i in range(first + 1, last):
            d = _distance_to_segment(pts[i], pts[first], pts[last])
            if d > worst_dist:
                worst, worst_dist = i, d
        if worst >= 0:
            keep[worst] = True
            stack.append((first, worst))
            stack.append((worst, last))
    return [p for p, k in zip(pts, keep, strict=True) if k]


def _distance_to_segment(p: Sequence[float], a: Sequence[float], b: Sequence[float]) -> float:
    """Distance in (x, y, weighted pressure) space from ``p`` to the segment ``a``–``b``."""
    pv = (p[0], p[1], p[3] * PRESSURE_WEIGHT)
    av = (a[0], a[1], a[3] * PRESSURE_WEIGHT)
    bv = (b[0], b[1], b[3] * PRESSURE_WEIGHT)
    ab = [bv[k] - av[k] for k in range(3)]
    ap = [pv[k] - av[k] for k in range(3)]
    length2 = sum(c * c for c in ab)
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, sum(ab[k] * ap[k] for k in range(3)) / length2))
    return math.dist(pv, [av[k] + t * ab[k] for k in range(3)])


# --- wire encoding --------------------------------------------------------------------------------

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_DECODE = {c: i for i, c in enumerate(_ALPHABET)}


def _put(out: list[str], value: int) -> None:
    """Unsigned varint: 5 data bits per character, bit 6 says another character follows."""
    while True:
        chunk, value = value & 31, value >> 5
        if value:
            out.append(_ALPHABET[chunk | 32])
        else:
            out.append(_ALPHABET[chunk])
            return


def _put_signed(out: list[str], value: int) -> None:
    _put(out, value * 2 if value >= 0 else -value * 2 - 1)


def _read(text: str) -> list[int]:
    values: list[int] = []
    value = shift = 0
    for char in text:
        digit = _DECODE.get(char)
        if digit is None or shift > 60:
            raise _invalid(CORRUPT)
        value |= (digit & 31) << shift
        if digit & 32:
            shift += 5
        else:
            values.append(value)
            value = shift = 0
    if shift:
        raise _invalid(CORRUPT)
    return values


def _unsigned(value: int) -> int:
    return value >> 1 if value % 2 == 0 else -((value + 1) >> 1)


def encode_stroke(stroke: Stroke) -> str:
    """``flags x y t p`` then ``dx dy dt [dp]`` per further point; flags bit 0: pressure varies."""
    pressures = [round(p[3] * 100) for p in stroke]
    varies = any(p != pressures[0] for p in pressures)
    out: list[str] = []
    _put(out, 1 if varies else 0)
    x, y, t, _ = stroke[0]
    for v in (x, y, t, pressures[0]):
        _put(out, v)
    for prev, cur, p_prev, p_cur in zip(stroke, stroke[1:], pressures, pressures[1:], strict=False):
        _put_signed(out, cur[0] - prev[0])
        _put_signed(out, cur[1] - prev[1])
        _put(out, cur[2] - prev[2])
        if varies:
            _put_signed(out, p_cur - p_prev)
    return "".join(out)


def decode_stroke(text: str) -> Stroke:
    values = _read(text)
    if len(values) < 5 or values[0] not in (0, 1):
        raise _invalid(CORRUPT)
    varies = values[0] == 1
    x, y, t, p = values[1:5]
    step = 4 if varies else 3
    rest = values[5:]
    if len(rest) % step:
        raise _invalid(CORRUPT)
    points: list[Point] = [(x, y, t, p / 100)]
    for i in range(0, len(rest), step):
        x += _unsigned(rest[i])
        y += _unsigned(rest[i + 1])
        t += rest[i + 2]
        if varies:
            p += _unsigned(rest[i + 3])
        points.append((x, y, t, p / 100))
    return tuple(points)


# --- the value ------------------------------------------------------------------------------------


def _normalize_point(point: Sequence[float]) -> Point:
    if len(point) not in (3, 4):
        raise _invalid(CORRUPT)
    x, y, t = float(point[0]), float(point[1]), float(point[2])
    pressure = float(point[3]) if len(point) == 4 else DEFAULT_PRESSURE
    if not all(math.isfinite(v) for v in (x, y, t, pressure)):
        raise _invalid(CORRUPT)
    return (round(x), round(y), round(t), round(max(0.0, min(1.0, pressure)), 2))


def _dedupe(stroke: Stroke) -> Stroke:
    """Drop points that rounding made equal to the previous one; the stroke keeps its end time."""
    kept = list(stroke[:1])
    for point in stroke[1:]:
        if (point[0], point[1], point[3]) == (kept[-1][0], kept[-1][1], kept[-1][3]):
            if point is stroke[-1] and len(kept) > 1:
                kept[-1] = point
            continue
        kept.append(point)
    return tuple(kept)


@dataclass(frozen=True)
class Signature:
    """One person's signature on one piece of content.

    ``method`` is ``"pad"`` (``strokes`` hold the ink) or ``"scan"`` (a photo of a
    paper signature: ``image_sha256`` names the image bytes, kept as an attachment).
    """

    signer: str
    role: str
    method: str = PAD
    strokes: tuple[Stroke, ...] = ()
    image_sha256: str = ""
    captured_at: str = field(kw_only=True)

    def __post_init__(self) -> None:
        strokes = tuple(tuple(_normalize_point(p) for p in s) for s in self.strokes)
        object.__setattr__(self, "strokes", tuple(s for s in strokes if s))
        object.__setattr__(self, "signer", refuse_bad_chars(self.signer, "signatures", "签名人姓名").strip())
        object.__setattr__(self, "role", refuse_bad_chars(self.role, "signatures", "签名身份").strip())
        object.__setattr__(self, "image_sha256", self.image_sha256.lower())
        self._validate()

    # construction

    @classmethod
    def from_pad(
        cls,
        signer: str,
        role: str,
        strokes: Iterable[Iterable[Sequence[float]]],
        *,
        captured_at: str,
        tolerance: float = SIMPLIFY_TOLERANCE,
    ) -> Signature:
        """A pad signature from raw points (floats, any count), simplified and shifted to start at t=0."""
        raw = [[tuple(float(v) for v in p) for p in s] for s in strokes]
        raw = [s for s in raw if s]
        if raw and all(len(p) >= 3 for s in raw for p in s):
            t0 = min(p[2] for s in raw for p in s)
            raw = [[(p[0], p[1], p[2] - t0, *p[3:]) for p in s] for s in raw]
        points = [[p if len(p) == 4 else (*p[:3], DEFAULT_PRESSURE) for p in s] for s in raw]
        quantized = tuple(_dedupe(tuple(_normalize_point(p) for p in simplify(s, tolerance))) for s in points)
        return cls(signer, role, PAD, quantized, "", captured_at=captured_at)

    @classmethod
    def from_scan(cls, signer: str, role: str, image: bytes, *, captured_at: str) -> Signature:
        """A photo or scan of a paper signature; only the SHA-256 of ``image`` is kept here."""
        if not image:
            raise _invalid(EMPTY_SCAN)
        return cls(signer, role, SCAN, (), hashlib.sha256(image).hexdigest(), captured_at=captured_at)

    def _validate(self) -> None:
        if not self.signer:
            raise _invalid(NO_SIGNER)
        if not self.role or len(self.role) > MAX_ROLE_LENGTH:
            raise _invalid(NO_ROLE)
        if self.method not in METHODS:
            raise _invalid(BAD_METHOD)
        try:
            datetime.fromisoformat(self.captured_at)
        except (TypeError, ValueError):
            raise _invalid(BAD_TIME) from None
        if self.method == SCAN:
            if self.strokes or len(self.image_sha256) != 64 or self.image_sha256.strip("0123456789abcdef"):
                raise _invalid(BAD_SCAN_HASH)
            return
        if self.image_sha256:
            raise _invalid(BAD_SCAN_HASH)
        if not self.strokes:
            raise _invalid(EMPTY)
        if self.point_count > MAX_POINTS:
            raise _invalid(TOO_LARGE)
        for stroke in self.strokes:
            for i, (x, y, t, _) in enumerate(stroke):
                if not (0 <= x <= BOX_WIDTH and 0 <= y <= BOX_HEIGHT):
                    raise _invalid(OUT_OF_BOX)
                if t < 0 or (i and t < stroke[i - 1][2]):
                    raise _invalid(BAD_TIMING)
        if self.point_count < MIN_POINTS or self.ink_length() < MIN_INK_LENGTH:
            raise _invalid(TOO_SIMPLE)

    # measures

    @property
    def point_count(self) -> int:
        return sum(len(s) for s in self.strokes)

    @property
    def duration_ms(self) -> int:
        """From the first to the last point (0 for a scan)."""
        times = [p[2] for s in self.strokes for p in s]
        return max(times) - min(times) if times else 0

    def ink_length(self) -> float:
        """Total length of the strokes' polylines, in box units."""
        return sum(math.dist(a[:2], b[:2]) for s in self.strokes for a, b in pairwise(s))

    def bounding_box(self) -> BoundingBox | None:
        """The ink's extent in box units (None for a scan)."""
        if not self.strokes:
            return None
        xs = [p[0] for s in self.strokes for p in s]
        ys = [p[1] for s in self.strokes for p in s]
        return BoundingBox(min(xs), min(ys), max(xs), max(ys))

    def fit(self, width: float, height: float, margin: float = 0.0, *, crop: bool = True) -> Placement:
        """Place the ink (``crop``) or the whole box centered in ``width`` × ``height``, aspect kept.

        ``margin`` is in target units and, when cropping, leaves room for the pen width.
        """
        box = self.bounding_box() if crop else None
        if box is None:
            box = BoundingBox(0, 0, BOX_WIDTH, BOX_HEIGHT)
        pad = NOMINAL_PEN_WIDTH if crop else 0.0
        src_w, src_h = max(box.width + 2 * pad, 1.0), max(box.height + 2 * pad, 1.0)
        scale = min((width - 2 * margin) / src_w, (height - 2 * margin) / src_h)
        dx = (width - box.width * scale) / 2 - box.left * scale
        dy = (height - box.height * scale) / 2 - box.top * scale
        return Placement(scale, dx, dy)

    # rendering helpers

    def segments(self) -> list[list[Segment]]:
        """The smooth pieces of each stroke, in box units."""
        return [segments(s) for s in self.strokes]

    def to_svg_path(self, placement: Placement = IDENTITY, *, flip_y: float | None = None) -> str:
        """SVG path data (``M``/``L``/``Q``) of all strokes, to be stroked with round caps and joins.

        ``flip_y`` maps ``y`` to ``flip_y - y`` after placement, for y-up canvases such as PDF.
        """

        def pt(xy: XY) -> str:
            x, y = placement.map(*xy)
            if flip_y is not None:
                y = flip_y - y
            return f"{_num(x)} {_num(y)}"

        parts: list[str] = []
        for stroke in self.segments():
            parts.append(f"M{pt(stroke[0].start)}")
            for seg in stroke:
                mid = ((seg.start[0] + seg.end[0]) / 2, (seg.start[1] + seg.end[1]) / 2)
                parts.append(f"L{pt(seg.end)}" if seg.control == mid else f"Q{pt(seg.control)} {pt(seg.end)}")
        return "".join(parts)

    def to_svg(self, width: float = BOX_WIDTH, height: float = BOX_HEIGHT, color: str = "#1a1a1a") -> str:
        """A standalone SVG of the ink fitted in ``width`` × ``height`` (constant pen width)."""
        placement = self.fit(width, height, margin=4.0)
        stroke_width = _num(NOMINAL_PEN_WIDTH * placement.scale)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
            f'viewBox="0 0 {_num(width)} {_num(height)}"><path d="{self.to_svg_path(placement)}" fill="none" '
            f'stroke="{color}" stroke-width="{stroke_width}" stroke-linecap="round" stroke-linejoin="round"/></svg>'
        )

    # wire form and hashes

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "signer": self.signer,
            "role": self.role,
            "method": self.method,
            "captured_at": self.captured_at,
        }
        if self.method == SCAN:
            data["image_sha256"] = self.image_sha256
        else:
            data["box"] = [BOX_WIDTH, BOX_HEIGHT]
            data["strokes"] = [encode_stroke(s) for s in self.strokes]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Signature:
        try:
            if data["v"] != FORMAT_VERSION:
                raise _invalid(CORRUPT)
            method = str(data["method"])
            strokes: tuple[Stroke, ...] = ()
            if method == PAD:
                if list(data["box"]) != [BOX_WIDTH, BOX_HEIGHT]:
                    raise _invalid(CORRUPT)
                strokes = tuple(decode_stroke(str(s)) for s in data["strokes"])
            return cls(
                str(data["signer"]),
                str(data["role"]),
                method,
                strokes,
                str(data.get("image_sha256", "")),
                captured_at=str(data["captured_at"]),
            )
        except (KeyError, TypeError, AttributeError):
            raise _invalid(CORRUPT) from None

    def digest(self) -> str:
        """SHA-256 over the canonical JSON of ``to_dict()``."""
        return hashlib.sha256(canonical_json(self.to_dict()).encode("utf-8")).hexdigest()

    def sign_content(self, content: Mapping[str, Any]) -> str:
        """SHA-256 binding this signature to ``content``: it changes when either changes."""
        return bind(self.digest(), content_hash(content))

    def verifies(self, content: Mapping[str, Any], binding: str) -> bool:
        """Whether ``binding`` (from ``sign_content``) still matches this signature and ``content``."""
        return self.sign_content(content) == binding


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the signed content (a 委托书, a handover…)."""
    return hashlib.sha256(canonical_json(dict(content)).encode("utf-8")).hexdigest()


def bind(signature_digest: str, content_sha256: str) -> str:
    return hashlib.sha256(
        canonical_json({"content": content_sha256, "signature": signature_digest}).encode("utf-8")
    ).hexdigest()


def _num(value: float) -> str:
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text
