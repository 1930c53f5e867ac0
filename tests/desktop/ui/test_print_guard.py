"""Printing from the case page: a rare name prints whole; a character no font draws stops the print
with a Chinese message naming the character and the field, and no preview opens (issue 13)."""

from __future__ import annotations

import io

import pypdf
from pytestqt.qtbot import QtBot

from desktop.services.context import ServiceContext
from desktop.services.printing.support import PrintableForm
from desktop.ui.main_window import MainWindow
from tests.domain.names_corpus import NAMES

from ..services.workflow_helpers import registered
from .case_page import TIMEOUT, open_case


def test_a_name_with_ext_b_characters_prints_whole(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    case_id = registered(ctx, applicant_name=NAMES["ext_b"], address="城南村\U0002c317组")
    page = open_case(qtbot, window, case_id)
    page.print_form(PrintableForm("entrustment", "代办服务委托书"))
    qtbot.waitUntil(lambda: getattr(page, "preview", None) is not None, timeout=TIMEOUT)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(page.preview.pdf_bytes)).pages)
    assert NAMES["ext_b"] in text.replace(" ", "").replace("\n", "")
    page.preview.close()


def test_a_character_no_font_draws_stops_the_print_in_chinese(
    qtbot: QtBot, window: MainWindow, ctx: ServiceContext
) -> None:
    case_id = registered(ctx, applicant_name=NAMES["ext_g"])  # Ext G: kept as typed, not in the fonts
    page = open_case(qtbot, window, case_id)
    page.print_form(PrintableForm("entrustment", "代办服务委托书"))
    qtbot.waitUntil(lambda: page.message_label.isVisible(), timeout=TIMEOUT)
    message = page.message_label.text()
    assert "委托人姓名" in message and "U+30000" in message and "没有打印" in message
    assert getattr(page, "preview", None) is None
