"""The two CJK fonts every form uses, registered once and embedded (subset) in each PDF.

Body text is AR PL SungtiL GB (a Song face); titles and headings are WenQuanYi Micro Hei.
Both ship in ``resources/fonts`` with their licenses, so a PDF never depends on the fonts
of the machine that opens or prints it.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

import resources

SONG = "DbtSong"
HEI = "DbtHei"

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the fonts with ReportLab (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        pdfmetrics.registerFont(TTFont(SONG, str(resources.path("fonts/gbsn00lp.ttf"))))
        pdfmetrics.registerFont(TTFont(HEI, str(resources.path("fonts/wqy-microhei.ttc")), subfontIndex=0))
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
