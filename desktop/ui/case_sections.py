"""The read-only parts of the case page: materials, custody, history and attachment thumbnails."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.services.casework.records import AttachmentInfo, CustodyLine, HistoryEntry, ReceiptLine
from sync.domain.custody import WINDOW
from sync.domain.model import MaterialItem

from .table_cells import filled_item

RED = QColor("#c62828")
GREEN = QColor("#2e7d32")
GREY = QColor("#6b7280")
AMBER = QColor("#8a6d00")


def _setup(table: QTableWidget, headers: Sequence[str], stretch: int) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    for column in range(len(headers)):
        mode = QHeaderView.ResizeMode.Stretch if column == stretch else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, mode)


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], colors: Sequence[QColor | None] = ()) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            color = colors[r] if r < len(colors) else None
            if color is not None and c == len(row) - 1:
                item.setForeground(QBrush(color))
            table.setItem(r, c, item)


class MaterialsView(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _setup(self, ("材料名称", "原件/复印件", "份数", "必需", "提交情况"), 0)

    def show_materials(self, materials: Sequence[MaterialItem], missing: Sequence[str]) -> None:
        rows, colors = [], []
        for m in materials:
            lacking = not m.present or m.name in missing
            status = "缺，待补正" if lacking and m.required else ("未提交" if lacking else "已提交")
            rows.append(
                (m.name, "原件" if m.original else "复印件", str(m.copies), "是" if m.required else "否", status)
            )
            colors.append(RED if lacking and m.required else GREEN)
        _fill(self, rows, colors)


class CustodyView(QTableWidget):
    """原件去向: where each original is now (申请人 / 代办员 / 镇中心窗口 / 办理部门), what the town window
    said about it, and below, each handover to the window with the window's 确认收件 or its discrepancy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _setup(self, ("原件", "现在何处", "状态", "镇窗口确认收件"), 3)
        self.setWordWrap(True)

    def show_custody(self, lines: Sequence[CustodyLine], receipts: Sequence[ReceiptLine] = ()) -> None:
        rows = [
            (
                line.material,
                line.holder_label,
                _custody_status(line),
                line.window_word,
            )
            for line in lines
        ]
        rows += [
            (f"送交镇窗口（{r.handed_at}）" if r.handed_at else "镇窗口确认", r.items, "", r.sentence) for r in receipts
        ]
        _fill(self, rows)
        for r, line in enumerate(lines):
            filled_item(self, r, 2).setForeground(QBrush(GREEN if line.settled else RED))
            if line.window_word:
                filled_item(self, r, 3).setForeground(QBrush(RED if line.window_problem else GREEN))
        for offset, receipt in enumerate(receipts):
            color = RED if receipt.problem else (GREEN if receipt.status == "confirmed" else AMBER)
            item = filled_item(self, len(lines) + offset, 3)
            item.setForeground(QBrush(color))
            item.setToolTip(receipt.sentence)
        self.resizeRowsToContents()


class HistoryView(QTableWidget):
    """办理记录: who did what when; the town center's decisions marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _setup(self, ("时间", "经办人", "办理情况"), 2)
        self.setWordWrap(True)

    def show_history(self, entries: Sequence[HistoryEntry]) -> None:
        rows = [(e.at, f"{e.actor}（镇中心）" if e.from_center else e.actor, e.sentence) for e in entries]
        _fill(self, rows)
        for r, entry in enumerate(entries):
            filled_item(self, r, 2).setToolTip(entry.sentence)
        self.resizeRowsToContents()


class AttachmentsView(QListWidget):
    """Thumbnails of photos and scans; a PDF shows its name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(120, 120))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(8)
        self.setWordWrap(True)

    def show_attachments(self, attachments: Sequence[AttachmentInfo]) -> None:
        self.clear()
        for a in attachments:
            item = QListWidgetItem(a.filename)
            item.setData(Qt.ItemDataRole.UserRole, a.sha256)
            item.setToolTip(f"{a.filename}\n{a.note}\n{a.added_at[:16]} {a.actor}".strip())
            self.addItem(item)

    def set_thumbnail(self, sha256: str, png: bytes | None) -> None:
        if png is None:
            return
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == sha256:
                item.setIcon(QIcon(pixmap))


def _custody_status(line: CustodyLine) -> str:
    if not line.settled:
        return "尚未退还申请人"
    return "镇中心留存，不再退还" if line.holder == WINDOW else "已退还/已交部门"
