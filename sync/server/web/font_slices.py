"""The covering fonts of the staff pages cut into small slices, as Google Fonts serves CJK (issue 13).

A page holding one Ext B character must not cost the 18 MB of HanaMinB gzipped. Each sliced font's characters
(its cmap within the range the style sheet gives it) are taken in code-point order and cut every
``SLICE_SIZE`` characters; the style sheet ``han_fonts_css()`` declares one ``@font-face`` per slice with the
slice's own ``unicode-range``, so a browser fetches only the slices holding a character of the page (~60–110 KB
gzipped each). The cuts depend on nothing but the font file, so a slice's URL (its digest) is stable across
restarts and servers, and a browser keeps it for a year.

A slice is made on its first request with fontTools' subsetter (~0.8 s) and kept gzipped in memory, in a
least-recently-used cache bounded by ``CACHE_BYTES`` (all 170 slices of both fonts take ~16 MB). The BabelStone
supplement (46 KB) is served whole.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontTools  # type: ignore[import-untyped]  # fontTools ships no type information
from fontTools import subset
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

import resources

#: Characters per slice: ~170 slices for the 7,200 characters of HanaMinA and 60,000 of HanaMinB that we use.
SLICE_SIZE = 400
#: Bound of the gzipped slices kept in memory (the least recently used go first).
CACHE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class CoveringFont:
    family: str  # the CSS family name, also the font's full name for local()
    file: str  # under resources/fonts
    ranges: tuple[tuple[int, int], ...]  # the code points it draws on the pages, inclusive
    sliced: bool

    @property
    def path(self) -> Path:
        return resources.path(f"fonts/{self.file}")


#: In the order of the font stack: the BabelStone supplement first (Unicode 13–14 additions HanaMin lacks), then
#: HanaMinA (Ext A, the URO after GBK, compatibility ideographs) and HanaMinB (Ext B–F).
COVERING = (
    CoveringFont(
        "BabelStone Han",
        "BabelStoneHan-supplement.ttf",
        ((0x4DB6, 0x4DBF), (0x9FEB, 0x9FFF), (0x2A6D7, 0x2A6DF), (0x2B735, 0x2B738)),
        sliced=False,
    ),
    CoveringFont(
        "HanaMinA",
        "HanaMinA.ttf",
        ((0x3400, 0x4DBF), (0x9FA6, 0x9FEA), (0xF900, 0xFAFF), (0xFE10, 0xFE19)),
        sliced=True,
    ),
    CoveringFont("HanaMinB", "HanaMinB.ttf", ((0x20000, 0x2FFFF),), sliced=True),
)


@dataclass(frozen=True)
class FontSlice:
    font: CoveringFont
    index: int  # 0 for a font served whole
    ranges: tuple[tuple[int, int], ...]  # its unicode-range
    digest: str  # hex; of the source file, the code points and the fontTools version for a slice

    @property
    def versioned_name(self) -> str:
        stem = self.font.file.removesuffix(".ttf")
        part = f"-{self.index:03d}" if self.font.sliced else ""
        return f"{stem}{part}.{self.digest[:12]}.ttf"

    @property
    def unicode_range(self) -> str:
        return ", ".join(f"U+{lo:X}" if lo == hi else f"U+{lo:X}-{hi:X}" for lo, hi in self.ranges)

    def codepoints(self) -> list[int]:
        return [c for lo, hi in self.ranges for c in range(lo, hi + 1)]


def _spans(codepoints: list[int]) -> tuple[tuple[int, int], ...]:
    """Sorted code points as inclusive runs: [1, 2, 3, 7] → ((1, 3), (7, 7))."""
    runs: list[tuple[int, int]] = []
    for c in codepoints:
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return tuple(runs)


def _file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _cut(font: CoveringFont) -> list[FontSlice]:
    digest = _file_digest(font.path)
    if not font.sliced:
        return [FontSlice(font, 0, font.ranges, digest)]
    cmap = TTFont(font.path, lazy=True).getBestCmap()
    drawn = sorted(c for c in cmap if any(lo <= c <= hi for lo, hi in font.ranges))
    slices = []
    for index, start in enumerate(range(0, len(drawn), SLICE_SIZE)):
        part = drawn[start : start + SLICE_SIZE]
        key = f"{digest}:{fontTools.version}:{SLICE_SIZE}:{part[0]:X}-{part[-1]:X}:{len(part)}"
        slices.append(FontSlice(font, index, _spans(part), hashlib.sha256(key.encode()).hexdigest()))
    return slices


@cache
def font_slices() -> dict[str, FontSlice]:
    """Every slice by versioned name, in the order of the style sheet (reading the cmaps: ~0.5 s, once)."""
    return {s.versioned_name: s for font in COVERING for s in _cut(font)}


@cache
def han_fonts_css() -> str:
    """One ``@font-face`` per slice; a face whose slice is not on the PC (``local()``) is fetched when needed."""
    rules = [
        "/* 代办通: the covering fonts of the staff pages, one face per slice (sync/server/web/font_slices.py). */"
    ]
    for s in font_slices().values():
        local = s.font.family.replace(" ", "")
        rules.append(
            f'@font-face {{ font-family: "{s.font.family}"; font-display: swap; '
            f'src: local("{local}"), url("fonts/{s.versioned_name}") format("truetype"); '
            f"unicode-range: {s.unicode_range}; }}"
        )
    return "\n".join(rules) + "\n"


@cache
def han_fonts_css_name() -> str:
    """The style sheet's versioned file name, ``han-fonts.<digest>.css`` (for the pages' ``<link>``)."""
    return f"han-fonts.{hashlib.sha256(han_fonts_css().encode()).hexdigest()[:12]}.css"


def _subset(s: FontSlice) -> bytes:
    options = subset.Options()
    options.hinting = False  # the slices are drawn at 14–24 px by browsers that ignore TrueType hints anyway
    options.layout_features = []  # names are set horizontally, one glyph per character
    options.drop_tables += ["FFTM", "BASE", "prop", "vhea", "vmtx"]
    font = TTFont(s.font.path, lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=s.codepoints())
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _SliceCache:
    """Gzipped slices, the least recently used dropped past ``limit`` bytes; each made once even when asked at
    once by several requests (one lock per slice)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._making: dict[str, threading.Lock] = {}
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0

    def _get(self, name: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(name)
            if body is not None:
                self._bodies.move_to_end(name)
            return body

    def gzipped(self, s: FontSlice) -> bytes:
        name = s.versioned_name
        body = self._get(name)
        if body is not None:
            return body
        with self._lock:
            making = self._making.setdefault(name, threading.Lock())
        with making:
            body = self._get(name)
            if body is not None:
                return body
            raw = _subset(s) if s.font.sliced else s.font.path.read_bytes()
            body = gzip.compress(raw, compresslevel=9, mtime=0)
            with self._lock:
                self._bodies[name] = body
                self._size += len(body)
                while self._size > self.limit and len(self._bodies) > 1:
                    _old, dropped = self._bodies.popitem(last=False)
                    self._size -= len(dropped)
                self._making.pop(name, None)
            return body


slice_cache = _SliceCache(CACHE_BYTES)
