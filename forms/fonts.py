"""The fonts every form uses, registered once and embedded (subset) in each PDF.

Body text is AR PL SungtiL GB (a Song face); titles and headings are WenQuanYi Micro Hei.
Neither draws every character of a villager's name: the Song face stops at GB2312, the Hei
face at GBK. Both are registered as :class:`FallbackFont`: each character they lack is drawn,
one by one, from the covering fonts (HanaMinA for the BMP and Ext A, HanaMinB for Ext B-F,
a small BabelStone Han subset for the ideographs of Unicode 11-14), which are loaded on the
first character that needs them (they cost 1-2 s and ~90 MB, so a form without a rare
character never pays). A character no font covers raises :class:`UnprintableCharacter`
instead of printing a blank: that is the guard of issue 13, and it sits where every piece
of text turns into PDF, so no form, table cell, footer or QR caption can bypass it.

All files ship in ``resources/fonts`` with their licenses, so a PDF never depends on the
fonts of the machine that opens or prints it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.lib.rl_accel import instanceStringWidthTTF
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

import resources
from forms.errors import UnprintableCharacter

SONG = "DbtSong"
HEI = "DbtHei"

#: The covering fonts, in the order they are asked (files in ``resources/fonts``).
FALLBACK_FILES = ("fonts/HanaMinA.ttf", "fonts/HanaMinB.ttf", "fonts/BabelStoneHan-supplement.ttf")

# A fallback font's subset numbers are moved up by (index + 1) * _STRIDE so that one
# sequence of subset numbers names the right font (ReportLab compares them to switch fonts).
_STRIDE = 1 << 20

_lock = threading.Lock()
_registered = False


# ---------------------------------------------------------------- the text layer


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with characters beyond the BMP written as UTF-16 pairs.

    ReportLab writes ``<%04X>`` of the code point: U+20BB7 becomes ``<20BB7>``, which
    readers take as U+20BB, so copying or searching 𠮷 in the PDF finds ₻. The PDF
    reference (9.10.3) wants the UTF-16BE code units: ``<D842DFB7>``. BMP entries are
    written exactly as before.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
    ]
    lines += [f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


# ---------------------------------------------------------------- coverage


class _Coverage:
    """The covering fonts, opened once, on first need, by whichever thread asks first."""

    def __init__(self, files: Iterable[str]) -> None:
        self._files = tuple(files)
        self._fonts: list[TTFont] | None = None
        self._lock = threading.Lock()

    @property
    def fonts(self) -> list[TTFont]:
        if self._fonts is None:
            with self._lock:
                if self._fonts is None:
                    self._fonts = [
                        TTFont(f"DbtFallback{i}", str(resources.path(name)), shapable=False)
                        for i, name in enumerate(self._files)
                    ]
        return self._fonts

    def index_of(self, code: int) -> int | None:
        """The first covering font that draws ``code`` (0-based), or None."""
        for i, font in enumerate(self.fonts):
            if code in font.face.charToGlyph:
                return i
        return None


_coverage = _Coverage(FALLBACK_FILES)


def _chars_of(font: TTFont) -> frozenset[str]:
    chars = {chr(code) for code, glyph in font.face.charToGlyph.items() if glyph}
    if " " in chars:
        chars.add("\u00a0")  # ReportLab draws a no-break space as a space
    return frozenset(chars)


class FallbackFont(TTFont):
    """A TrueType font that draws what it lacks from the covering fonts, character by character."""

    def __init__(self, name: str, filename: str, subfontIndex: int = 0) -> None:
        super().__init__(name, filename, subfontIndex=subfontIndex, shapable=False)
        self.own_chars = _chars_of(self)

    def runs(self, text: str) -> Iterator[tuple[int, str]]:
        """``text`` cut into runs, each with the font that draws it: 0 is this font, i > 0 the
        i-th covering font. Raises :class:`UnprintableCharacter` for a character none draws."""
        if self.own_chars.issuperset(text):
            if text:
                yield 0, text
            return
        current, start = -1, 0
        for pos, char in enumerate(text):
            if char in self.own_chars:
                which = 0
            else:
                found = _coverage.index_of(ord(char))
                if found is None:
                    raise UnprintableCharacter(char)
                which = found + 1
            if which != current:
                if pos > start:
                    yield current, text[start:pos]
                current, start = which, pos
        if len(text) > start:
            yield current, text[start:]

    def _font(self, which: int) -> TTFont:
        return self if which == 0 else _coverage.fonts[which - 1]

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if self.own_chars.issuperset(text):
            return float(instanceStringWidthTTF(self, text, size, encoding))
        return float(sum(instanceStringWidthTTF(self._font(w), run, size, encoding) for w, run in self.runs(text)))

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        if isinstance(text, bytes):
            text = text.decode(encoding)
        out: list[tuple[int, bytes]] = []
        for which, run in self.runs(text):
            if which == 0:
                out += TTFont.splitString(self, run, doc, encoding)
            else:
                shift = which * _STRIDE
                out += [(shift + n, chunk) for n, chunk in _coverage.fonts[which - 1].splitString(run, doc, encoding)]
        return out

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:
        which, n = divmod(subset, _STRIDE)
        if which == 0:
            return str(TTFont.getSubsetInternalName(self, n, doc))
        return str(_coverage.fonts[which - 1].getSubsetInternalName(n, doc))


def register() -> None:
    """Register the fonts with ReportLab (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        pdfmetrics.registerFont(FallbackFont(SONG, str(resources.path("fonts/gbsn00lp.ttf"))))
        pdfmetrics.registerFont(FallbackFont(HEI, str(resources.path("fonts/wqy-microhei.ttc")), subfontIndex=0))
        # <b> inside a Song paragraph switches to the Hei face: the Song font has no bold.
        addMapping(SONG, 0, 0, SONG)
        addMapping(SONG, 1, 0, HEI)
        addMapping(SONG, 0, 1, SONG)
        addMapping(SONG, 1, 1, HEI)
        addMapping(HEI, 0, 0, HEI)
        addMapping(HEI, 1, 0, HEI)
        addMapping(HEI, 0, 1, HEI)
        addMapping(HEI, 1, 1, HEI)
        _registered = True


def string_width(text: str, font: str, size: float) -> float:
    register()
    return float(pdfmetrics.stringWidth(text, font, size))


def unprintable(text: str, font: str = SONG) -> str | None:
    """The first character of ``text`` that no embedded font draws, or None."""
    register()
    face = pdfmetrics.getFont(font)
    assert isinstance(face, FallbackFont)
    try:
        for _ in face.runs(text.replace("\n", "")):
            pass
    except UnprintableCharacter as exc:
        return exc.char
    return None


# ---------------------------------------------------------------- the guard before the layout

#: What the clerk calls a record's field, for the message that names it.
FIELD_LABELS = {
    "name": "名称",
    "id_number": "证件号码",
    "address": "地址",
    "phone": "电话",
    "matter": "事项",
    "scope": "委托权限",
    "reason": "事由",
    "note": "备注",
    "from_name": "交出人",
    "to_name": "接收人",
    "how_to_obtain": "获取方式",
    "requirement": "材料要求",
    "clerk_name": "代办员",
    "clerk": "代办员",
    "applicant_name": "申请人姓名",
    "applicant_id": "申请人证件号码",
    "head_name": "负责人",
    "leader_name": "负责人",
    "keeper": "保管人",
    "handed_by": "移交人",
    "received_by": "接收人",
    "receiver_unit": "接收单位",
    "title": "题名",
    "suggestions": "意见建议",
    "station": "代办站",
    "town_center": "镇为民服务中心",
}
#: A person's role on the form: their ``name`` is then that person's 姓名. A record whose form calls a party
#: otherwise says so in its ``PARTY_LABELS`` (the 委托书's applicant is its 委托人).
PARTY_ROLES = {"agent": "受托人", "applicant": "申请人"}
#: Every label a party may carry, for "姓名" after it.
_PARTY_NAMES = (*PARTY_ROLES.values(), "委托人", "代办员")
#: Sequences whose items are numbered in the message.
ROW_LABELS = {
    "materials": "材料第{n}项",
    "items": "材料第{n}项",
    "missing": "材料第{n}项",
    "rows": "第{n}行",
    "stations": "第{n}个站",
    "clerks": "第{n}位代办员",
}


def check_record(record: object) -> None:
    """Raise :class:`UnprintableCharacter` naming the field of the first character of
    ``record`` (a ``forms.data`` record, walked through) that no embedded font draws."""
    found = _first_unprintable(record, "")
    if found is not None:
        char, where = found
        raise UnprintableCharacter(char, where)


def _first_unprintable(value: object, where: str, item: str = "第{n}项") -> tuple[str, str] | None:
    if isinstance(value, str):
        char = unprintable(value)
        return None if char is None else (char, where or "表格")
    if isinstance(value, bytes | int | float | bool) or value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parties = {**PARTY_ROLES, **getattr(value, "PARTY_LABELS", {})}
        for f in dataclasses.fields(value):
            if f.name in {"strokes", "png", "case_url_base", "link"}:
                continue
            label = _label(where, f.name, parties)
            found = _first_unprintable(getattr(value, f.name), label, ROW_LABELS.get(f.name, "第{n}项"))
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for n, entry in enumerate(value, 1):
            found = _first_unprintable(entry, where + item.format(n=n))
            if found is not None:
                return found
    return None


def _label(where: str, attr: str, parties: Mapping[str, str]) -> str:
    if attr in parties:
        return parties[attr]
    if attr in ROW_LABELS:
        return where
    label = FIELD_LABELS.get(attr, "")
    if attr == "name" and where.endswith(_PARTY_NAMES):
        label = "姓名"
    if not label:
        return where
    return f"{where}{label}" if where else label
