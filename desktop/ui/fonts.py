"""Fonts on screen for every character of a villager's name (issue 13, GB 18030-2022).

A station PC may have no font for CJK Ext A–F (a fresh Linux has none; Windows has
SimSun-ExtB for Ext B only): 𠮷 or 𬌗 would be a box on screen while the printed form
shows them. The covering fonts the forms embed (``forms.fonts.FALLBACK_FILES``:
HanaMinA, HanaMinB, the BabelStone Han supplement) are registered with Qt and put at the
end of the application font's families.

Qt asks a font's families in order before the system's fallback fonts, so the face the
system draws ordinary Chinese with (Microsoft YaHei on Windows, say) is put ahead of the
covering fonts: otherwise every Chinese character of the UI would come out in HanaMin's
Mincho. Where the system has no Chinese face at all, the bundled WenQuanYi Micro Hei
takes that place.

Registering costs ~15 ms at start (Qt maps the files; it does not read the ~50 MB),
measured in docs/performance.md, so it is done directly in ``make_application``.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QTextLayout
from PySide6.QtWidgets import QApplication

import resources
from forms.fonts import FALLBACK_FILES

log = logging.getLogger(__name__)

#: A Hei face for ordinary Chinese where the system has none (GBK; rare characters fall further back).
HEI_FILE = "fonts/wqy-microhei.ttc"

#: Characters whose face is the system's "ordinary Chinese" face: all in GB2312, so any Chinese font has them.
_HAN_SAMPLE = "中文汉字"

_families: dict[str, tuple[str, ...]] = {}


def register(relative: str) -> tuple[str, ...]:
    """The families of the font file ``resources/<relative>``, registered with Qt once (empty if it cannot load)."""
    if relative not in _families:
        font_id = QFontDatabase.addApplicationFont(str(resources.path(relative)))
        families = tuple(QFontDatabase.applicationFontFamilies(font_id)) if font_id >= 0 else ()
        if not families:
            log.warning("font not loaded: %s", relative)
        _families[relative] = families
    return _families[relative]


def covering_families() -> tuple[str, ...]:
    """The covering fonts' families in the order the forms ask them: HanaMinA, HanaMinB, BabelStone Han."""
    return tuple(family for relative in FALLBACK_FILES for family in register(relative)[:1])


def drawn_with(font: QFont, text: str) -> tuple[str, ...]:
    """The families Qt actually draws ``text`` with in ``font`` (its fallbacks included), in order."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return tuple(run.rawFont().familyName() for run in layout.glyphRuns())


def _han_family(font: QFont, covering: tuple[str, ...]) -> str:
    """The face for ordinary Chinese: the one the system uses for ``font``, else the bundled Hei."""
    found = [f for f in drawn_with(font, _HAN_SAMPLE) if f and f not in covering]
    if found:
        return found[0]
    return (register(HEI_FILE) or ("",))[0]


def with_fallbacks(font: QFont) -> QFont:
    """A copy of ``font`` that draws every character the forms can print: [its family, Chinese face, covering]."""
    covering = covering_families()
    first = font.families()[:1] or [font.family()]
    families = [*first, _han_family(font, covering), *covering]
    result = QFont(font)
    result.setFamilies(list(dict.fromkeys(f for f in families if f)))
    return result


def install(app: QApplication) -> None:
    """Give the application font (and so every widget) the fallbacks of ``with_fallbacks``."""
    app.setFont(with_fallbacks(app.font()))
