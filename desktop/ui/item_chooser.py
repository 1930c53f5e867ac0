"""办理事项 chooser: type any part of the name, its pinyin or pinyin initials; the most used items first.

An editable combo box whose line edit starts empty under a real placeholder
(typing never appends to a dummy entry). Every keystroke filters the items
with ``find_items`` into a popup list (Enter or a click takes the highlighted
one); the arrow opens the whole list, the station's most used items on top.
Until the background load has spelled the names and counted the cases the
chooser searches the names only, in the catalog's order.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QCompleter, QLineEdit, QWidget

from desktop.services.casework.item_search import ItemChoice, find_items

PLACEHOLDER = "输入名称、拼音或首字母查找，如“低保”“dibao”“db”"
#: Rows the lists show before they scroll (the catalog has about 40 items).
VISIBLE_ROWS = 16
CODE = Qt.ItemDataRole.UserRole


class ItemChooser(QComboBox):
    """``currentData()`` is the chosen item's code (None while nothing is chosen)."""

    def __init__(self, choices: Sequence[ItemChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(VISIBLE_ROWS)
        # Qt's own is prefix-only: ours below. Qt takes None (no completer); the stubs do not say so.
        self.setCompleter(None)  # type: ignore[arg-type]
        line = self._line()
        line.setPlaceholderText(PLACEHOLDER)
        self.matches = QStandardItemModel(self)
        self.finder = QCompleter(self.matches, self)
        self.finder.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.finder.setMaxVisibleItems(VISIBLE_ROWS)
        self.finder.setWidget(line)
        self.finder.activated[QModelIndex].connect(self._found)  # type: ignore[index]  # stubs miss overloads
        line.textEdited.connect(self._search)
        line.editingFinished.connect(self._settle)
        self.choices: list[ItemChoice] = []
        self.set_choices(choices)

    def _line(self) -> QLineEdit:
        line = self.lineEdit()
        assert line is not None  # an editable combo box always has its line edit
        return line

    def _popup(self) -> QAbstractItemView:
        popup = self.finder.popup()
        assert popup is not None  # a popup-mode QCompleter makes its list on first call
        return popup

    def set_choices(self, choices: Sequence[ItemChoice]) -> None:
        """Show ``choices`` in this order, keeping the chosen item (and what is being typed)."""
        code, text = self.currentData(), self._line().text()
        self.choices = list(choices)
        self.blockSignals(True)
        self.clear()
        for choice in self.choices:
            self.addItem(choice.label, choice.code)
        self.setCurrentIndex(self.findData(code) if code else -1)
        self._line().setText(text)
        self.blockSignals(False)

    def select(self, code: str) -> None:
        self.setCurrentIndex(self.findData(code) if code else -1)

    def _search(self, text: str) -> None:
        found = find_items(self.choices, text) if text.strip() else []
        self.matches.clear()
        for choice in found:
            row = QStandardItem(choice.label)
            row.setData(choice.code, CODE)
            self.matches.appendRow(row)
        if not found:
            self._popup().hide()
            return
        self.finder.complete()
        self._popup().setCurrentIndex(self.finder.completionModel().index(0, 0))

    def _found(self, index: QModelIndex) -> None:
        self.select(str(index.data(CODE)))
        self._line().setText(self.currentText())

    def _settle(self) -> None:
        """Leaving the field: the typed text names one item, or the chosen one is shown again."""
        if self._popup().isVisible():
            return
        text = self._line().text()
        if self.currentIndex() >= 0 and text == self.itemText(self.currentIndex()):
            return
        found = find_items(self.choices, text) if text.strip() else []
        if len(found) == 1:
            self.select(found[0].code)
        elif not text.strip():
            self.select("")
        if self.currentIndex() >= 0:
            self._line().setText(self.itemText(self.currentIndex()))
