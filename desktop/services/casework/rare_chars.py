"""Finding a character the input method cannot produce (生僻字, issue 13): by code point or by reading.

The clerk types a code point (``U+20BB7``, ``20BB7``, ``0x20BB7``), the character itself
(pasted: ``𠮷``), or a 拼音 reading (``zhe`` for every tone, ``zhé`` or ``zhe2`` for one;
``lv``/``lü`` for ü). Readings come from pypinyin's ``pinyin_dict`` (MIT; the Unihan
kMandarin/kHanyuPinyin data: ~41,900 characters, CJK Ext A and ~14,500 of Ext B included,
a few hundred of Ext C–G). A character the data has no reading for (𠮷 has none) is found
by its code point. Every candidate passes ``sync.domain.text.clean_name``: a code point the
rules refuse (private use, a lone surrogate, a control character) raises ValidationError
with the rules' own Chinese message.

The reading index is built on first use (~150 ms with pypinyin's import), off the GUI thread.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from sync.domain.errors import ValidationError
from sync.domain.text import clean_name

FIELD = "rare_char"
LABEL = "输入的字符"

#: Unicode blocks of the CJK Unified Ideographs, in the order candidates are shown (common first).
BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x4E00, 0x9FFF, "基本区"),
    (0x3400, 0x4DBF, "扩展A"),
    (0x20000, 0x2A6DF, "扩展B"),
    (0x2A700, 0x2B73F, "扩展C"),
    (0x2B740, 0x2B81F, "扩展D"),
    (0x2B820, 0x2CEAF, "扩展E"),
    (0x2CEB0, 0x2EBEF, "扩展F"),
    (0x30000, 0x3134F, "扩展G"),
    (0x31350, 0x323AF, "扩展H"),
)

_CODE_POINT = re.compile(r"(?:u\+|0x|\\u|\\U)?([0-9a-f]{1,8})", re.IGNORECASE)
_BARE_HEX = re.compile(r"[0-9a-f]{4,6}", re.IGNORECASE)
_READING = re.compile(r"[a-zü:āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]+[1-5]?", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """One character to offer: itself, its readings (``zhé``) if known."""

    char: str
    readings: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def block(self) -> str:
        """The CJK block in Chinese (``扩展B``), or "" for a character outside them."""
        return _block(ord(self.char))[1]


def _block(cp: int) -> tuple[int, str]:
    for rank, (low, high, name) in enumerate(BLOCKS):
        if low <= cp <= high:
            return rank, name
    return len(BLOCKS), ""


def insertable(char: str) -> str:
    """``char`` as it will be stored (NFC; a GB 18030-2005 PUA code point as its standard one), or raise.

    The name rules of ``clean_name``: private use, surrogates, control characters and
    noncharacters are refused with a Chinese message naming the code point.
    """
    return clean_name(char, field=FIELD, label=LABEL)


def parse_code_point(text: str) -> str | None:
    """The character a code-point query names, or None when ``text`` is not one (a reading, say).

    ``U+20BB7``, ``0x20BB7``, ``\\u4e00`` always are; bare hex only with 4–6 digits and a
    decimal digit among them (``ba4`` and ``de`` stay readings). Beyond U+10FFFF: ValidationError.
    """
    text = text.strip()
    match = _CODE_POINT.fullmatch(text)
    if match is None:
        return None
    prefixed = match.group(0) != match.group(1)
    if not prefixed and not (_BARE_HEX.fullmatch(text) and any(c.isdigit() for c in text)):
        return None
    cp = int(match.group(1), 16)
    if cp > 0x10FFFF:
        raise ValidationError(FIELD, f"没有 U+{cp:04X} 这个码位：Unicode 码位最大为 U+10FFFF")
    return chr(cp)


class ReadingIndex:
    """Reading (toneless, ``zhe``) → characters with their tone, built once on first use, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_base: dict[str, list[tuple[int, int]]] | None = None
        self._readings: dict[int, tuple[str, ...]] = {}

    def build(self) -> None:
        with self._lock:
            if self._by_base is not None:
                return
            from pypinyin import pinyin_dict  # ~140 ms: only when a reading is first looked up
            from pypinyin.contrib.tone_convert import to_normal, to_tone3

            by_base: dict[str, list[tuple[int, int]]] = defaultdict(list)
            split: dict[str, tuple[str, int]] = {}  # ~1,600 distinct readings for ~48,000 (character, reading)
            for cp, joined in pinyin_dict.pinyin_dict.items():
                if _nfc_changes(cp):
                    continue  # a compatibility ideograph: stored as its unified twin, offered as that one
                readings = tuple(joined.split(","))
                self._readings[cp] = readings
                for reading in readings:
                    if reading not in split:
                        split[reading] = (to_normal(reading), _tone(to_tone3(reading)))
                    base, tone = split[reading]
                    by_base[base].append((tone, cp))
            for chars in by_base.values():
                chars.sort(key=lambda tc: (_commonness(tc[1]), tc[0], tc[1]))
            self._by_base = dict(by_base)

    def readings(self, char: str) -> tuple[str, ...]:
        self.build()
        return self._readings.get(ord(char), ())

    def lookup(self, reading: str) -> tuple[Candidate, ...]:
        """Every character read ``reading``: the common ones first (``_commonness``), then by tone."""
        from pypinyin.contrib.tone_convert import to_normal, to_tone3

        self.build()
        assert self._by_base is not None
        query = reading.strip().lower().replace("u:", "v").replace("ü", "v")
        tone3 = to_tone3(query)
        tone = _tone(tone3) if tone3[-1:].isdigit() else None
        chars = self._by_base.get(to_normal(query).rstrip("12345"), [])
        seen: dict[int, None] = {}
        for char_tone, cp in chars:
            if tone is None or char_tone == tone:
                seen.setdefault(cp)
        return tuple(Candidate(chr(cp), self._readings[cp]) for cp in seen)


def _tone(tone3: str) -> int:
    """The tone of a ``zhe2``-style reading; 5 for the neutral tone (no digit)."""
    return int(tone3[-1]) if tone3[-1:].isdigit() else 5


def _commonness(cp: int) -> tuple[int, bytes | int]:
    """Sort key: GB2312 level 1 (the 3,755 common characters), level 2, GBK, then block by block."""
    char = chr(cp)
    try:
        code = char.encode("gb2312")
    except UnicodeEncodeError:
        pass
    else:
        return (0 if code[0] < 0xD8 else 1), code
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return 3 + _block(cp)[0], cp
    return 2, cp


def _nfc_changes(cp: int) -> bool:
    return unicodedata.normalize("NFC", chr(cp)) != chr(cp)


READINGS = ReadingIndex()


def lookup(query: str, index: ReadingIndex = READINGS) -> tuple[Candidate, ...]:
    """The candidates for what the clerk typed: a code point, characters pasted, or a reading.

    A code point or character the name rules refuse raises ValidationError (Chinese). Nothing
    recognisable: an empty tuple. Builds the reading index if needed: call off the GUI thread.
    """
    text = query.strip()
    if not text:
        return ()
    char = parse_code_point(text)
    if char is not None:
        return (_candidate(char, index),)
    if _READING.fullmatch(text):
        return index.lookup(text)
    chars = dict.fromkeys(text.replace(" ", ""))
    return tuple(_candidate(c, index) for c in chars)


def _candidate(char: str, index: ReadingIndex) -> Candidate:
    stored = insertable(char)
    return Candidate(stored, index.readings(stored) if len(stored) == 1 else ())
