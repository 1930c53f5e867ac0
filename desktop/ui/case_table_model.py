"""Table model of the case list over plain ``CaseSummary`` records."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.services.casework.records import CaseSummary

_Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("办件编号", "case_no"),
    ("申请人", "applicant_name"),
    ("身份证号", "id_masked"),
    ("办理事项", "item_name"),
    ("方式", "kind_label"),
    ("状态", "state_label"),
    ("办理期限", "due"),
    ("同步", "sync_label"),
)


class CaseTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[CaseSummary] = []

    def set_rows(self, rows: list[CaseSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CaseSummary:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        case = self._rows[index.row()]
        key = COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "due":
                if case.due_on is None:
                    return ""
                mark = "※" if case.due_warning else ""
                text = f"{case.due_on:%Y-%m-%d}{mark}"
                return f"{text}（{case.due_label}）" if case.due_label else text
            return getattr(case, key)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "due" and case.overdue:
                return QBrush(QColor("#c62828"))
            if key == "sync_label" and case.sync_label == "同步中":
                return QBrush(QColor("#1565c0"))
            if key == "sync_label" and case.sync_label != "已同步":
                return QBrush(QColor("#8a6d00"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "item_name":
                return case.item_name
            if key == "due" and case.due_warning:
                return case.due_warning
        return None
