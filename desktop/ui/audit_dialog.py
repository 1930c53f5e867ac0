"""查看审计记录: who read a full 身份证 number or exported personal data, when, what and where to."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.safety.audit import AuditEntry

from .errors import user_message
from .ops import ReadOp

COLUMNS = ("时间", "操作人", "操作", "办件编号", "内容")


class AuditLogDialog(QDialog):
    """The station's audit events, newest first (read on a worker through ``load``)."""

    def __init__(self, load: Callable[[], Sequence[AuditEntry]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load = load
        self.setWindowTitle("审计记录")
        self.resize(980, 520)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status_label = QLabel("正在读取…")
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        close_button = QPushButton("关闭")
        close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(refresh)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("查看完整身份证号码和导出个人信息的记录（最近500条），同步时一并报送镇中心。"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.status_label.setText("正在读取…")
        load = ReadOp(self, "audit", self.load, self.show_entries)  # 刷新 again: the newest read wins
        load.failure(lambda exc: self.status_label.setText(user_message(exc))).run_in_background()

    def show_entries(self, entries: Sequence[AuditEntry]) -> None:
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            for col, text in enumerate((e.at, e.actor, e.action, e.case_no, e.detail)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.status_label.setText(f"共 {len(entries)} 条" if entries else "还没有审计记录")
