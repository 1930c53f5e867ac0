"""Rebuild ``BabelStoneHan-supplement.ttf``: the few Han characters the other fonts lack.

HanaMinA/HanaMinB (2017) stop at Unicode 10. The ideographs Unicode 11-14 added inside the
blocks the forms must cover (U+9FEB-9FFC, Ext A U+4DB6-4DBF, Ext B U+2A6D7-2A6DD, Ext C
U+2B735-2B738) are taken from BabelStone Han (Debian package fonts-babelstone-han 15.0.5) and
kept in a small subset, so the bundle does not carry a third 50 MB font. Ext G and later are
out of scope (the print guard names such a character instead of printing a blank).

    apt-get download fonts-babelstone-han && dpkg-deb -x fonts-babelstone-han_*.deb x
    python resources/fonts/make_supplement.py x/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
COVERED_BY = ("gbsn00lp.ttf", "HanaMinA.ttf", "HanaMinB.ttf")
# The Unified Ideographs blocks through Ext F, and the compatibility block's unified ideographs.
RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFA0E, 0xFA29), (0x20000, 0x2EBEF))


def wanted() -> set[int]:
    out = set()
    for lo, hi in RANGES:
        for code in range(lo, hi + 1):
            name = unicodedata.name(chr(code), "")
            if name.startswith("CJK UNIFIED IDEOGRAPH") or (
                name.startswith("CJK COMPATIBILITY IDEOGRAPH") and not unicodedata.decomposition(chr(code))
            ):
                out.add(code)
    return out


def main(source: str) -> None:
    covered: set[int] = set()
    for name in COVERED_BY:
        covered |= set(TTFont(HERE / name, lazy=True).getBestCmap())
    font = TTFont(source)
    missing = wanted() - covered
    codes = sorted(missing & set(font.getBestCmap()))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    out = HERE / "BabelStoneHan-supplement.ttf"
    font.save(out)
    left = sorted(missing - set(codes))
    sys.stdout.write(f"{out.name}: {len(codes)} characters, {out.stat().st_size} bytes; missing: {len(left)}\n")


if __name__ == "__main__":
    main(sys.argv[1])
