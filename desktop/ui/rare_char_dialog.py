"""生僻字: enter a character of a name the input method cannot produce (issue 13).

Name and address fields get a "生僻字…" button, the same entry in their context menu and
Ctrl+R (``attach_to``). The dialog finds the character by code point (``U+20BB7``,
``20BB7``), as pasted (``𠮷``), or by 拼音 reading (``zhe``, ``zhé``), shows it large with
its code point, and inserts the chosen one at the field's cursor. The lookup runs off the
GUI thread (the reading index costs ~0.5 s once, ``desktop.services.casework.rare_chars``); what
it offers has passed the name rules, and a refused code point is explained in Chinese.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeyEvent, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.rare_chars import Candidate, lookup

from .action_form import never_default, reserve_height
from .errors import user_message
from .tasks import run_task

SHORTCUT = "Ctrl+R"
BUTTON_TEXT = "生僻字…"
HINT = "输入编码（如 U+20BB7 或 20BB7）、拼音（如 zhe 或 zhé），或粘贴这个字"
MISSING = "本机字体中没有这个字：屏幕上显示为方框，表单也无法打印"
_CELL = QSize(92, 96)
CANDIDATE = Qt.ItemDataRole.UserRole


class CandidateDelegate(QStyledItemDelegate):
    """A candidate as a cell: the character large, its code point small beneath."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return _CELL

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        candidate: Candidate = index.data(CANDIDATE)
        painter.save()
        rect: QRect = option.rect.adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, QColor("#d6e6f7") if selected else QColor("#ffffff"))
        painter.setPen(QColor("#1f5fa8") if selected else QColor("#d5dde6"))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        big = QFont(option.font)
        big.setPixelSize(40)
        drawable = QFontMetrics(big).inFontUcs4(ord(candidate.char))
        painter.setFont(big)
        painter.setPen(QColor("#1b2430") if drawable else QColor("#9aa5b1"))
        painter.drawText(rect.adjusted(0, 4, 0, -28), Qt.AlignmentFlag.AlignCenter, candidate.char)
        small = QFont(option.font)
        small.setPixelSize(12)
        painter.setFont(small)
        painter.setPen(QColor("#52606d"))
        painter.drawText(
            rect.adjusted(0, 0, 0, -6), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, candidate.code
        )
        painter.restore()


class RareCharDialog(QDialog):
    """Find one character and emit ``char_chosen`` with it (Enter or 插入 inserts the selected one)."""

    char_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("输入生僻字")
        self.resize(640, 520)
        self.busy = False
        self._asked = ""  # the query whose lookup runs now
        self._insert_when_found = False

        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText(HINT)
        self.query_edit.textChanged.connect(self._query_changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self._look_up)

        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(120, 120)
        self.preview.setStyleSheet("background: #ffffff; border: 1px solid #cfd8e3;")
        big = QFont(self.font())
        big.setPixelSize(84)
        self.preview.setFont(big)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel(HINT)
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet("color: #52606d;")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828; font-weight: bold;")
        reserve_height(self.error_label)  # showing it moves nothing
        self.error_label.hide()

        self.candidates = QListWidget()
        self.candidates.setViewMode(QListView.ViewMode.IconMode)
        self.candidates.setResizeMode(QListView.ResizeMode.Adjust)
        self.candidates.setMovement(QListView.Movement.Static)
        self.candidates.setUniformItemSizes(True)
        self.candidates.setGridSize(_CELL)
        self.candidates.setItemDelegate(CandidateDelegate(self.candidates))
        self.candidates.currentItemChanged.connect(lambda *_: self._show_current())
        self.candidates.itemDoubleClicked.connect(lambda *_: self.insert_selected())

        buttons = QDialogButtonBox()
        self.insert_button = buttons.addButton("插入", QDialogButtonBox.ButtonRole.AcceptRole)
        never_default(buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole))
        self.insert_button.setDefault(True)
        self.insert_button.setAutoDefault(True)
        buttons.accepted.connect(self.insert_selected)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.preview)
        details = QVBoxLayout()
        details.addWidget(QLabel("编码或拼音："))
        details.addWidget(self.query_edit)
        details.addWidget(self.info_label)
        details.addStretch()
        top.addLayout(details, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.candidates, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.query_edit.installEventFilter(self)
        self._show_current()

    # -------------------------------------------------------------- lookup

    def _query_changed(self, _text: str) -> None:
        self._insert_when_found = False
        self._debounce.start()

    def _look_up(self) -> None:
        query = self.query_edit.text().strip()
        self.error_label.hide()
        if not query:
            self._show_candidates(())
            self.status_label.setText(HINT)
            return
        self._asked = query
        self.busy = True
        self.status_label.setText("正在查找…")
        run_task(lambda: lookup(query), lambda found: self._found(query, found), lambda exc: self._failed(query, exc))

    def _found(self, query: str, found: tuple[Candidate, ...]) -> None:
        if query != self._asked:
            return  # the clerk typed on: a newer lookup answers
        self.busy = False
        self._show_candidates(found)
        if not found:
            self.status_label.setText(f"没有找到“{query}”：请检查拼音，或输入这个字的编码（如 U+20BB7）")
        elif len(found) == 1:
            self.status_label.setText("按回车键或点“插入”把这个字插入到光标处")
        else:
            self.status_label.setText(f"读音为“{query}”的字共 {len(found)} 个，常用字在前：用方向键选择，按回车键插入")
        if self._insert_when_found and len(found) == 1:
            self.insert_selected()

    def _failed(self, query: str, exc: BaseException) -> None:
        if query != self._asked:
            return
        self.busy = False
        self._insert_when_found = False
        self._show_candidates(())
        self.status_label.setText(HINT)
        self.error_label.setText(user_message(exc))
        self.error_label.show()

    def _show_candidates(self, found: tuple[Candidate, ...]) -> None:
        self.candidates.clear()
        for candidate in found:
            item = QListWidgetItem()
            item.setData(CANDIDATE, candidate)
            item.setToolTip(_describe(candidate, self._drawable(candidate.char)))
            self.candidates.addItem(item)
        if found:
            self.candidates.setCurrentRow(0)
        self._show_current()

    # -------------------------------------------------------------- choice

    def _drawable(self, char: str) -> bool:
        return QFontMetrics(self.preview.font()).inFontUcs4(ord(char))

    def selected(self) -> Candidate | None:
        item = self.candidates.currentItem()
        if item is None:
            return None
        candidate: Candidate = item.data(CANDIDATE)
        return candidate

    def _show_current(self) -> None:
        candidate = self.selected()
        if candidate is None:
            self.preview.clear()
            self.info_label.clear()
            return
        self.preview.setText(candidate.char)
        self.info_label.setText(_describe(candidate, self._drawable(candidate.char)))

    def insert_selected(self) -> None:
        """Insert the selected candidate; typed just now and not looked up yet: insert when it is found."""
        if self._debounce.isActive() or self.busy:
            self._insert_when_found = True
            if self._debounce.isActive():
                self._debounce.stop()
                self._look_up()
            return
        candidate = self.selected()
        if candidate is None:
            self.error_label.setText("请先输入编码或拼音，选中要插入的字")
            self.error_label.show()
            return
        self.char_chosen.emit(candidate.char)
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arrow keys in the query field move through the candidates, so the hands stay on the keyboard.
        if watched is self.query_edit and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 6, Qt.Key.Key_PageUp: -6}.get(
                Qt.Key(event.key())
            )
            if step is not None and self.candidates.count():
                row = min(max(self.candidates.currentRow() + step, 0), self.candidates.count() - 1)
                self.candidates.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)


def _describe(candidate: Candidate, drawable: bool) -> str:
    parts = [candidate.code]
    if candidate.block:
        parts.append(f"CJK统一汉字{candidate.block}")
    if candidate.readings:
        parts.append("读音：" + "、".join(candidate.readings))
    text = "　".join(parts)
    return text if drawable else f"{text}\n{MISSING}"


# ------------------------------------------------------------------ fields


def open_for(edit: QLineEdit) -> RareCharDialog:
    """Open the dialog (window-modal) for ``edit``; the chosen character is inserted at its cursor."""
    dialog = RareCharDialog(edit.window())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def insert(char: str) -> None:
        edit.insert(char)  # replaces a selection, like typing
        edit.setFocus()

    dialog.char_chosen.connect(insert)
    dialog.open()
    dialog.query_edit.setFocus()
    return dialog


def attach_to(edit: QLineEdit, *, button: bool = True) -> QWidget:
    """``edit`` in a row with a "生僻字…" button, for a form: the same in its context menu and on Ctrl+R.

    ``button=False``: the context menu and the shortcut only, and ``edit`` itself is returned.
    """
    action = QAction(BUTTON_TEXT, edit)
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.setToolTip(f"输入法打不出的字：按编码或拼音查找后插入（{SHORTCUT}）")
    action.triggered.connect(lambda: open_for(edit))
    edit.addAction(action)

    def context_menu(pos: QPoint) -> None:
        menu = edit.createStandardContextMenu()
        menu.addSeparator()
        menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(edit.mapToGlobal(pos))

    edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    edit.customContextMenuRequested.connect(context_menu)

    if not button:
        return edit
    tool = QToolButton()
    tool.setDefaultAction(action)
    tool.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes on to the next field; Ctrl+R reaches it by keyboard
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(edit, 1)
    layout.addWidget(tool)
    row.setFocusProxy(edit)
    return row
