"""Issue 13 on screen: every corpus name is drawn from a real glyph, and the 生僻字 dialog enters
what the input method cannot (by code point or reading, refused code points explained in Chinese)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QImage, QRawFont
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QToolButton
from pytestqt.qtbot import QtBot

from desktop.ui import fonts
from desktop.ui.main_window import MainWindow
from desktop.ui.new_case_dialog import NewCaseDialog
from desktop.ui.rare_char_dialog import RareCharDialog, attach_to, open_for
from tests.domain import names_corpus

from .keyboard import type_text

JI = "\U00020bb7"  # 𠮷
ZHE = "\U0002a6a5"  # 𪚥 zhé
EXT_G = "\U00030000"  # beyond every bundled font (resources/fonts/README.txt)


def _corpus_chars() -> list[str]:
    names = [*names_corpus.NAMES.values(), getattr(names_corpus, "LEVEL2_BEYOND_BMP", "")]
    return sorted({c for name in names for c in name} - {EXT_G})


@pytest.fixture
def app_font(qapp: QApplication) -> Iterator[QFont]:
    """The application font as ``make_application`` sets it, restored afterwards."""
    before = qapp.font()
    font = QFont()
    font.setPointSize(11)
    qapp.setFont(fonts.with_fallbacks(font))
    yield qapp.font()
    qapp.setFont(before)


def test_the_covering_fonts_are_registered_and_the_app_font_falls_back_to_them(app_font: QFont) -> None:
    assert fonts.covering_families() == ("HanaMinA", "HanaMinB", "BabelStone Han")
    assert set(fonts.covering_families()) <= set(QFontDatabase.families())
    assert app_font.families()[-3:] == ["HanaMinA", "HanaMinB", "BabelStone Han"]
    assert len(app_font.families()) == 5  # the UI face and the system's Chinese face come first
    metrics = QFontMetrics(app_font)
    missing = [f"U+{ord(c):04X}" for c in _corpus_chars() if not metrics.inFontUcs4(ord(c))]
    assert missing == []
    assert not metrics.inFontUcs4(ord(EXT_G))  # the check can fail: no font here has Ext G


def test_every_corpus_character_is_drawn_from_a_real_glyph_of_a_known_face(app_font: QFont) -> None:
    faces = set(app_font.families())
    for char in _corpus_chars():
        layout_faces = fonts.drawn_with(app_font, char)
        assert layout_faces and set(layout_faces) <= faces, (f"U+{ord(char):04X}", layout_faces)
    for char in (JI, ZHE, "\U0002c317", "\u4dae", "\U0002ebe0", "\u9ffc"):
        covering = [f for f in fonts.covering_families() if QRawFont.fromFont(QFont(f)).supportsCharacter(ord(char))]
        assert covering, f"U+{ord(char):04X}"


def _cells(qtbot: QtBot, font: QFont, text: str) -> list[QImage]:
    label = QLabel(text)
    label.setFont(font)
    label.setStyleSheet("background: white; color: black;")
    label.setContentsMargins(0, 0, 0, 0)
    qtbot.addWidget(label)
    label.adjustSize()
    image = label.grab().toImage()
    metrics = QFontMetrics(font)
    cells, x = [], 0  # left-aligned, no margin
    for char in text:
        width = metrics.horizontalAdvance(char)
        cells.append(image.copy(x, 0, width, image.height()))
        x += width
    return cells


def _ink(image: QImage) -> int:
    white = QColor("white").rgb()
    return sum(image.pixel(x, y) != white for x in range(image.width()) for y in range(image.height()))


def test_a_label_draws_each_character_of_a_rare_name_not_a_blank_nor_a_box(qtbot: QtBot, app_font: QFont) -> None:
    font = QFont(app_font)
    font.setPixelSize(40)
    (box,) = _cells(qtbot, font, EXT_G)  # the box Qt draws for a character no font has
    for char, cell in zip("王𠮷堃", _cells(qtbot, font, "王𠮷堃"), strict=True):
        assert _ink(cell) > 40, f"U+{ord(char):04X} blank"
        assert cell.size() != box.size() or cell != box, f"U+{ord(char):04X} drawn as a box"
    ji_alone, jia = _cells(qtbot, font, JI)[0], _cells(qtbot, font, "吉")[0]
    assert ji_alone != jia  # 𠮷 is drawn as itself, not replaced by 吉


# ------------------------------------------------------------------ the dialog


def _open_from_button(qtbot: QtBot, edit: QLineEdit) -> RareCharDialog:
    row = edit.parentWidget()
    assert row is not None
    button = row.findChild(QToolButton)
    assert button is not None and button.text() == "生僻字"  # the menu entry keeps its "…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = edit.window().findChild(RareCharDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def _ask(qtbot: QtBot, dialog: RareCharDialog, query: str) -> None:
    dialog.query_edit.clear()
    type_text(qtbot, dialog.query_edit, query)
    qtbot.waitUntil(lambda: not dialog.busy and not dialog._debounce.isActive(), timeout=10000)


def test_a_code_point_typed_in_the_dialog_is_inserted_at_the_cursor_of_the_name(
    qtbot: QtBot, window: MainWindow
) -> None:
    new_case: NewCaseDialog = window.new_case()
    type_text(qtbot, new_case.name_edit, "王堃")
    new_case.name_edit.setCursorPosition(1)
    dialog = _open_from_button(qtbot, new_case.name_edit)
    _ask(qtbot, dialog, "20BB7")
    assert dialog.preview.text() == JI
    assert dialog.info_label.text().startswith("U+20BB7　CJK统一汉字扩展B")
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)
    assert new_case.name_edit.text() == "王" + JI + "堃"
    assert new_case.name_edit.cursorPosition() == 3  # after 𠮷 (two UTF-16 units)


def test_enter_right_after_typing_inserts_once_the_character_is_found(qtbot: QtBot) -> None:
    edit = QLineEdit("周")
    row = attach_to(edit)
    qtbot.addWidget(row)
    row.show()
    dialog = open_for(edit)
    type_text(qtbot, dialog.query_edit, "U+2C317")
    with qtbot.waitSignal(dialog.finished, timeout=10000):
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Enter)  # before the lookup has run
    assert edit.text() == "周\U0002c317"


def test_a_reading_offers_an_ext_b_character_chosen_by_keyboard(qtbot: QtBot) -> None:
    edit = QLineEdit("李")
    row = attach_to(edit)
    qtbot.addWidget(row)
    row.show()
    dialog = open_for(edit)
    _ask(qtbot, dialog, "zhe")
    chars = [dialog.candidates.item(i).data(Qt.ItemDataRole.UserRole).char for i in range(dialog.candidates.count())]
    assert ZHE in chars and chars[0] != ZHE  # common characters first
    assert dialog.selected() is not None and dialog.selected().char == chars[0]
    for _ in range(chars.index(ZHE)):
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Down)
    assert dialog.preview.text() == ZHE
    assert "读音：zhé" in dialog.info_label.text()
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)
    assert edit.text() == "李" + ZHE


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("U+E000", "输入的字符中含有私用区字符（U+E000），其他电脑无法正确显示，请改用标准汉字后重新输入"),
        ("D800", "输入的字符中含有无法识别的字符（U+D800），请删除后重新输入"),
    ],
)
def test_a_refused_code_point_is_explained_and_nothing_is_inserted(qtbot: QtBot, typed: str, message: str) -> None:
    edit = QLineEdit("王")
    row = attach_to(edit)
    qtbot.addWidget(row)
    row.show()
    dialog = open_for(edit)
    _ask(qtbot, dialog, typed)
    assert dialog.error_label.isVisible() and dialog.error_label.text() == message
    assert dialog.candidates.count() == 0 and dialog.preview.text() == ""
    qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and edit.text() == "王"
    assert dialog.error_label.text() == "请先输入编码或拼音，选中要插入的字"


def test_a_character_no_font_has_is_flagged_before_it_is_inserted(qtbot: QtBot) -> None:
    edit = QLineEdit()
    row = attach_to(edit)
    qtbot.addWidget(row)
    row.show()
    dialog = open_for(edit)
    _ask(qtbot, dialog, "U+30000")
    assert "本机字体中没有这个字" in dialog.info_label.text()


def test_the_name_fields_offer_the_dialog_by_shortcut_and_context_menu(qtbot: QtBot, window: MainWindow) -> None:
    new_case = window.new_case()
    for edit in (new_case.name_edit, new_case.address_edit):
        (action,) = [a for a in edit.actions() if a.text() == "生僻字…"]
        assert action.shortcut().toString() == "Ctrl+R"
        assert edit.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    new_case.address_edit.setFocus()
    qtbot.waitUntil(new_case.address_edit.hasFocus)
    qtbot.keyClick(new_case.address_edit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: new_case.findChild(RareCharDialog) is not None, timeout=3000)
    dialog = new_case.findChild(RareCharDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
