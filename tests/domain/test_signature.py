"""The signature value: wire form, hashes, validation, simplification, rendering helpers."""

from __future__ import annotations

import hashlib
import itertools
import json
import math

import pytest

from sync.domain.errors import ValidationError
from sync.domain.events import canonical_json
from sync.domain.signature import (
    BOX_HEIGHT,
    BOX_WIDTH,
    CORRUPT,
    DEFAULT_PRESSURE,
    EMPTY,
    OUT_OF_BOX,
    TOO_SIMPLE,
    Signature,
    content_hash,
    decode_stroke,
    encode_stroke,
    segments,
    simplify,
)
from tests.domain.factories import SIGNED_AT

CAPTURED_AT = "2026-11-23T09:30:00.000+00:00"


def handwriting(points_per_stroke: int = 100, strokes: int = 3, pressure: bool = False) -> list[list[tuple]]:
    """Cursive-like loops sampled every 8 ms, as a pad delivers them (300 points by default)."""
    out: list[list[tuple]] = []
    t = 1000.0  # the pad's clock does not start at 0
    for k in range(strokes):
        stroke = []
        for i in range(points_per_stroke):
            a = i / (points_per_stroke - 1) * 3 * math.pi
            x = 60 + k * 170 + i * 1.4 + 25 * math.sin(a)
            y = 100 + 45 * math.cos(a * 1.3) + 8 * math.sin(a * 3)
            p = 0.3 + 0.4 * abs(math.sin(i / 10)) if pressure else 0.5
            stroke.append((x, y, t, p))
            t += 8
        t += 250
        out.append(stroke)
    return out


def make(**kw: object) -> Signature:
    return Signature.from_pad("王秀英", "委托人", handwriting(**kw), captured_at=CAPTURED_AT)  # type: ignore[arg-type]


def wire_size(signature: Signature) -> int:
    return len(json.dumps(signature.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def test_round_trip_through_json_keeps_value_and_digest() -> None:
    sig = make(pressure=True)
    data = json.loads(json.dumps(sig.to_dict()))
    back = Signature.from_dict(data)
    assert back == sig
    assert back.digest() == sig.digest()
    assert back.to_dict() == sig.to_dict()


def test_times_start_at_zero_and_increase() -> None:
    sig = make()
    times = [p[2] for s in sig.strokes for p in s]
    assert times[0] == 0
    assert times == sorted(times)
    assert sig.duration_ms == 299 * 8 + 2 * 250


def test_stroke_encoding_round_trip_including_negative_deltas() -> None:
    stroke = ((600, 0, 0, 0.5), (0, 200, 5, 1.0), (17, 3, 5, 0.0), (300, 100, 70000, 0.37))
    assert decode_stroke(encode_stroke(stroke)) == stroke
    assert decode_stroke(encode_stroke(stroke[:1])) == stroke[:1]


def test_digest_is_stable_and_is_sha256_of_canonical_json() -> None:
    a, b = make(), make()
    assert a.digest() == b.digest()
    assert a.digest() == hashlib.sha256(canonical_json(a.to_dict()).encode()).hexdigest()
    other = Signature.from_pad("王秀英", "代办员", handwriting(), captured_at=CAPTURED_AT)
    assert other.digest() != a.digest()


def test_content_binding_changes_with_content_and_with_signature() -> None:
    sig = make()
    content = {"case_no": "QH01-2026-0001", "matter": "高龄津贴申请", "materials": ["身份证", "户口簿"]}
    binding = sig.sign_content(content)
    assert sig.sign_content(dict(reversed(list(content.items())))) == binding  # key order does not matter
    assert sig.verifies(content, binding)
    edited = {**content, "matter": "低保申请"}
    assert sig.sign_content(edited) != binding
    assert not sig.verifies(edited, binding)
    other = Signature.from_pad("王秀英", "委托人", handwriting(strokes=2), captured_at=CAPTURED_AT)
    assert other.sign_content(content) != binding
    assert content_hash(content) != content_hash(edited)


def test_scan_keeps_only_the_image_hash() -> None:
    image = b"\x89PNG fake image bytes"
    sig = Signature.from_scan("王秀英", "委托人", image, captured_at=CAPTURED_AT)
    assert sig.method == "scan"
    assert sig.image_sha256 == hashlib.sha256(image).hexdigest()
    assert sig.strokes == ()
    assert Signature.from_dict(sig.to_dict()) == sig
    assert sig.bounding_box() is None
    with pytest.raises(ValidationError):
        Signature.from_scan("王秀英", "委托人", b"", captured_at=SIGNED_AT)


@pytest.mark.parametrize(
    ("strokes", "message"),
    [
        ([], EMPTY),
        ([[]], EMPTY),
        ([[(100, 100, 0)]], TOO_SIMPLE),  # a tap
        ([[(100, 100, 0), (300, 100, 100)]], TOO_SIMPLE),  # one straight line: 2 points left
        ([[(100, 100, 0), (101, 101, 8), (102, 100, 16), (103, 101, 24), (104, 100, 32)]], TOO_SIMPLE),  # a scrawl
    ],
)
def test_validation_messages(strokes: list[list[tuple]], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Signature.from_pad("王秀英", "委托人", strokes, captured_at=SIGNED_AT)
    assert caught.value.message == message
    assert caught.value.field == "signature"


def test_out_of_box_points_are_refused() -> None:
    strokes = handwriting()
    strokes[1][5] = (BOX_WIDTH + 5, 100, strokes[1][5][2], 0.5)
    with pytest.raises(ValidationError) as caught:
        Signature.from_pad("王秀英", "委托人", strokes, captured_at=SIGNED_AT)
    assert caught.value.message == OUT_OF_BOX
    data = make().to_dict()
    data["strokes"][0] = encode_stroke(((10, BOX_HEIGHT + 1, 0, 0.5), *[(10 + i * 9, 50, i, 0.5) for i in range(9)]))
    with pytest.raises(ValidationError, match=OUT_OF_BOX):
        Signature.from_dict(data)


def test_missing_signer_and_corrupt_data_are_refused() -> None:
    with pytest.raises(ValidationError, match="签名人姓名"):
        Signature.from_pad(" ", "委托人", handwriting(), captured_at=SIGNED_AT)
    data = make().to_dict()
    for broken in ({**data, "strokes": ["!!"]}, {**data, "v": 99}, {k: v for k, v in data.items() if k != "signer"}):
        with pytest.raises(ValidationError) as caught:
            Signature.from_dict(broken)
        assert caught.value.message == CORRUPT


def _distance_to_polyline(point: tuple, polyline: list[tuple]) -> float:
    best = math.inf
    for a, b in itertools.pairwise(polyline):
        ab = (b[0] - a[0], b[1] - a[1])
        length2 = ab[0] ** 2 + ab[1] ** 2
        t = 0 if length2 == 0 else max(0, min(1, ((point[0] - a[0]) * ab[0] + (point[1] - a[1]) * ab[1]) / length2))
        best = min(best, math.dist(point[:2], (a[0] + t * ab[0], a[1] + t * ab[1])))
    return best


@pytest.mark.parametrize("tolerance", [0.3, 0.6, 2.0])
def test_simplification_keeps_shape_within_tolerance_and_drops_points(tolerance: float) -> None:
    for stroke in handwriting(pressure=True):
        kept = simplify(stroke, tolerance)
        assert len(kept) < len(stroke)
        assert kept[0] == tuple(stroke[0]) and kept[-1] == tuple(stroke[-1])
        assert all(_distance_to_polyline(p, kept) <= tolerance + 1e-9 for p in stroke)


def test_stored_signature_stays_within_a_pixel_of_the_captured_ink() -> None:
    raw = handwriting()
    sig = Signature.from_pad("王秀英", "委托人", raw, captured_at=SIGNED_AT)
    assert sig.point_count < 0.5 * sum(len(s) for s in raw)
    for captured, stored in zip(raw, sig.strokes, strict=True):
        # rounding to whole box units adds at most √0.5 to the simplification tolerance
        assert all(_distance_to_polyline(p, list(stored)) <= 0.6 + math.sqrt(0.5) for p in captured)


def test_a_realistic_300_point_signature_is_small() -> None:
    mouse, pen = make(), make(pressure=True)
    assert wire_size(mouse) <= 1000
    assert wire_size(pen) <= 1500
    unsimplified = Signature.from_pad(
        "王秀英", "委托人", handwriting(pressure=True), tolerance=0, captured_at=SIGNED_AT
    )
    assert unsimplified.point_count >= 290
    assert wire_size(unsimplified) <= 2000


def test_segments_pass_through_stroke_ends_and_midpoints() -> None:
    stroke = [(0, 0, 0, 0.5), (10, 0, 8, 0.5), (10, 10, 16, 0.5), (20, 10, 24, 0.5)]
    segs = segments(stroke)
    assert segs[0].start == (0, 0) and segs[-1].end == (20, 10)
    assert [s.control for s in segs[1:-1]] == [(10, 0), (10, 10)]
    assert segs[1].start == (5, 0) and segs[1].end == (10, 5)
    assert all(a.end == b.start for a, b in itertools.pairwise(segs))
    assert segments([(3, 4, 0, 0.5)])[0].is_dot
    start, c1, c2, end = segs[1].cubic()
    assert (start, end) == ((5, 0), (10, 5))
    assert c1 == pytest.approx((5 + 2 / 3 * 5, 0)) and c2 == pytest.approx((10, 5 - 2 / 3 * 5))


def test_a_point_without_pressure_weighs_the_default() -> None:
    """forms.data.Signature may hold (x, y, t) points: the printed form smooths them with the same code."""
    with_pressure = segments([(0, 0, 0, DEFAULT_PRESSURE), (10, 0, 8, 0.9), (10, 10, 16, DEFAULT_PRESSURE)])
    without = segments([(0, 0, 0), (10, 0, 8, 0.9), (10, 10, 16)])
    assert without == with_pressure


def test_bounding_box_fit_and_svg_path() -> None:
    sig = make()
    box = sig.bounding_box()
    assert box is not None
    assert 0 <= box.left < box.right <= BOX_WIDTH and 0 <= box.top < box.bottom <= BOX_HEIGHT
    placement = sig.fit(300, 100, margin=5)
    left, top = placement.map(box.left, box.top)
    right, bottom = placement.map(box.right, box.bottom)
    assert left >= 5 - 1e-9 and top >= 5 - 1e-9 and right <= 295 + 1e-9 and bottom <= 95 + 1e-9
    assert ((left + right) / 2, (top + bottom) / 2) == pytest.approx((150, 50))
    path = sig.to_svg_path()
    assert path.count("M") == len(sig.strokes)
    assert "Q" in path and "nan" not in path
    flipped = sig.to_svg_path(flip_y=BOX_HEIGHT)
    first_y = float(path[1:].split("L")[0].split()[1])
    assert float(flipped[1:].split("L")[0].split()[1]) == pytest.approx(BOX_HEIGHT - first_y)
    svg = sig.to_svg(300, 100)
    assert svg.startswith("<svg") and 'stroke-linecap="round"' in svg
