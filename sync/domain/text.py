"""The character rules for every text a person types (issue 13, GB 18030-2022): one place, both sides.

* Unicode NFC before storage, so one name is one string of code points
  wherever it was typed (a decomposed form pasted from a Mac, say).
* Every GB 18030-2022 character is kept exactly, those outside the BMP
  included (CJK Ext B–F, e.g. 𠮷 U+20BB7, 𬌗 U+2C317), and so are code points
  this Python's Unicode tables do not know yet (later extensions).
* Refused, with a Chinese message naming the field and the code point:
  control characters (C0, DEL, C1; NUL included: PostgreSQL cannot store it),
  surrogates (a lone ``\\ud800`` can arrive through a JSON escape and cannot be
  encoded as UTF-8), private-use code points (BMP and planes 15/16: drawn by
  no font on another PC) and noncharacters. A multi-line field allows line
  breaks and tabs; a one-line field allows neither.
* In a name, "·" U+00B7 separates the parts of an ethnic-minority name
  (阿依古丽·买买提); the dots input methods produce in its place are
  normalised to it (``DOT_LOOKALIKES``), for storage and for search alike.

Only the 8 ideographs GB 18030-2005 mapped to the private-use area and
GB 18030-2022 moved to U+9FB4–U+9FBB are translated, not refused: an old
input method still produces them, and the character is the same one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .errors import ValidationError

MIDDLE_DOT = "\u00b7"

#: Dots an input method or a copied document puts where "·" U+00B7 belongs in a name:
#: U+2022 bullet (•), U+FF0E fullwidth full stop (．, the period of a Chinese IME in
#: full-width mode), U+30FB katakana middle dot (・, Japanese IMEs and the MS IME "·"
#: key on some layouts), U+FF65 halfwidth katakana middle dot (･), U+2027 hyphenation
#: point (‧, Big5's middle dot), U+2219 bullet operator (∙), U+22C5 dot operator (⋅),
#: U+FE52 small full stop (﹒). The ASCII "." stays a full stop: it is not a look-alike.
#: (U+0387 Greek ano teleia is not listed: NFC already maps it to U+00B7.)
DOT_LOOKALIKES = "\u2022\uff0e\u30fb\uff65\u2027\u2219\u22c5\ufe52"
_TO_MIDDLE_DOT = str.maketrans(dict.fromkeys(DOT_LOOKALIKES, MIDDLE_DOT))
_SPACED_DOT = re.compile(r"\s*\u00b7\s*")

#: GB 18030-2005 private-use code points of characters GB 18030-2022 maps to standard ones.
GB18030_2005_PUA = str.maketrans(
    {
        "\ue81e": "\u9fb4",
        "\ue826": "\u9fb5",
        "\ue82b": "\u9fb6",
        "\ue82c": "\u9fb7",
        "\ue832": "\u9fb8",
        "\ue843": "\u9fb9",
        "\ue854": "\u9fba",
        "\ue864": "\u9fbb",
    }
)

#: What a multi-line field may hold besides printable text.
_MULTILINE_ALLOWED = frozenset("\n\t")
NAME_LIMIT = 50


@dataclass(frozen=True)
class BadChar:
    """The first refused code point of a text, and why (a Chinese phrase)."""

    char: str
    kind: str

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"


def bad_char(text: str, *, allowed: frozenset[str] = frozenset()) -> BadChar | None:
    """The first code point the rules refuse (see the module docstring), or None."""
    for char in text:
        cp = ord(char)
        if char in allowed:
            continue
        if cp < 0x20 or 0x7F <= cp <= 0x9F:
            kind = "换行或制表符" if char in "\n\r\t" else "控制字符"
            return BadChar(char, kind)
        if 0xD800 <= cp <= 0xDFFF:
            return BadChar(char, "不成对的代理码位")
        if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
            return BadChar(char, "私用区字符")
        if 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE:
            return BadChar(char, "非字符码位")
    return None


def refusal(label: str, bad: BadChar) -> str:
    """The Chinese message for ``bad`` found in the field called ``label``."""
    if bad.kind == "换行或制表符":
        return f"{label}中不能有换行或制表符（{bad.code}），请写在一行内"
    if bad.kind == "私用区字符":
        return f"{label}中含有私用区字符（{bad.code}），其他电脑无法正确显示，请改用标准汉字后重新输入"
    return f"{label}中含有无法识别的字符（{bad.code}），请删除后重新输入"


def refuse_bad_chars(text: str, field: str, label: str) -> str:
    """``text`` unchanged, or ValidationError if it holds a refused code point (one-line rules).

    For values covered by a hash already (a signer's name inside the ink), which must not be rewritten.
    """
    bad = bad_char(text)
    if bad is not None:
        raise ValidationError(field, refusal(label, bad))
    return text


def scrub(text: str) -> str:
    """``text`` without the code points the rules refuse (one-line rules): for names a machine gives, not a person."""
    return "".join(c for c in text if bad_char(c) is None)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.translate(GB18030_2005_PUA))


def clean_text(
    raw: str | None,
    *,
    field: str,
    label: str,
    limit: int = 500,
    multiline: bool = False,
    required: bool = False,
) -> str:
    """``raw`` trimmed, in NFC, line breaks as ``\\n``; or ValidationError naming ``field``.

    ``required`` refuses an empty text ("请填写…"); ``limit`` counts code points (𠮷 is one).
    """
    text = (raw or "").translate(GB18030_2005_PUA)
    text = text.replace("\r\n", "\n").replace("\r", "\n") if multiline else text
    bad = bad_char(text, allowed=_MULTILINE_ALLOWED if multiline else frozenset())
    if bad is not None:
        raise ValidationError(field, refusal(label, bad))
    text = _nfc(text).strip()
    if required and not text:
        raise ValidationError(field, f"请填写{label}")
    if len(text) > limit:
        raise ValidationError(field, f"{label}不能超过{limit}个字")
    return text


def normalize_name(text: str) -> str:
    """NFC, look-alike dots as "·" U+00B7 with no space around it, trimmed: for storage and for search."""
    return _SPACED_DOT.sub(MIDDLE_DOT, _nfc(text).translate(_TO_MIDDLE_DOT)).strip()


def clean_name(raw: str | None, *, field: str = "name", label: str = "姓名", limit: int = NAME_LIMIT) -> str:
    """A person's (or a place's) name, normalised (``normalize_name``), 1–``limit`` characters, or raise."""
    text = (raw or "").translate(GB18030_2005_PUA)
    bad = bad_char(text)
    if bad is not None:
        raise ValidationError(field, refusal(label, bad))
    name = normalize_name(text)
    if not name:
        raise ValidationError(field, f"请填写{label}")
    if len(name) > limit:
        raise ValidationError(field, f"{label}不能超过{limit}个字")
    if name.startswith(MIDDLE_DOT) or name.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in name:
        raise ValidationError(field, f"{label}中的“·”只能用在两部分之间，如“阿依古丽·买买提”")
    return name


@dataclass(frozen=True)
class BadText:
    """The first refused code point of a payload, and its ``path`` (like ``applicant.address``)."""

    path: str
    bad: BadChar


def find_bad_text(value: object, path: str = "") -> BadText | None:
    """The first refused code point in any string (or key) of ``value``; line breaks and tabs allowed.

    The center's check of a pushed payload: the same classes as ``bad_char`` (NUL,
    C0/C1 controls, surrogates, private use, noncharacters), ``\\r`` tolerated too.
    """
    for where, text in _strings(value, path):
        bad = bad_char(text, allowed=_WIRE_ALLOWED)
        if bad is not None:
            return BadText(where or "payload", bad)
    return None


_WIRE_ALLOWED = frozenset("\n\t\r")


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield path, str(key)  # checked before it is part of a path
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")
