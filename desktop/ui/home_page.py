"""首页: the clerk's day at a glance — deadlines, cases to take to the town (待送件), cases waiting,
results to hand back (with the phone to call), cases to archive, open 差评
(and, above them when there are any, the handovers whose receipt the town window disputes).

Each group shows its count as a big number and a list; clicking a line opens
the case. Read through ``home()`` in the background, redrawn on ``changed``.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import CaseSummary, HomeView

from .ops import ReadOp

#: (HomeView field, title, accent colour, what an empty list means)
GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("overdue", "已超期", "#c62828", "没有超期的办件"),
    ("due_today", "今天到期", "#e65100", "今天没有到期的办件"),
    ("due_soon", "3个工作日内到期", "#b26a00", "近期没有到期的办件"),
    ("to_deliver", "待送件", "#00838f", "没有待送往镇中心的办件"),
    ("awaiting_materials", "等待补正材料", "#1565c0", "没有等待补正的办件"),
    ("to_hand_back", "待交付结果", "#2e7d32", "没有待交付的结果"),
    ("to_archive", "待归档", "#5d4037", "没有待归档的办件"),
    ("bad_ratings_open", "差评待跟进", "#6a1b9a", "没有待跟进的差评"),
    ("retention_overdue", "超期未归档", "#455a64", "没有超过保存期限未归档的办件"),
)


class HomeCard(QFrame):
    """One group of the day: title, count, the cases."""

    def __init__(self, title: str, color: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = color
        self.empty_text = empty_text
        self.setObjectName("homeCard")
        self.setStyleSheet(
            f"#homeCard {{ background: white; border: 1px solid #d5dde6; border-top: 4px solid {color};"
            " border-radius: 6px; }"
        )
        self.title_label = QLabel(title)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title_label.setFont(font)
        self.count_label = QLabel("—")
        self.count_label.setStyleSheet(f"color: {color}; font-size: 30pt; font-weight: bold;")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.list = QListWidget()
        self.list.setStyleSheet("QListWidget { border: none; } QListWidget::item { padding: 4px 2px; }")
        self.list.setCursor(Qt.CursorShape.PointingHandCursor)
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)

    def show_cases(self, cases: tuple[CaseSummary, ...], red: bool = False, total: int | None = None) -> None:
        self.count_label.setText(str(len(cases) if total is None else max(total, len(cases))))
        self.list.clear()
        if not cases:
            empty = QListWidgetItem(self.empty_text)
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            empty.setForeground(QBrush(QColor("#9ca3af")))
            self.list.addItem(empty)
            return
        for case in cases:
            due = f"　{case.due_label}" if case.due_label else ""
            phone = f"　电话 {case.phone}" if case.phone else ""
            item = QListWidgetItem(f"{case.applicant_name}{phone}　{case.item_name}{due}")
            item.setToolTip(f"{case.case_no}　{case.state_label}　{case.due_warning}".strip())
            item.setData(Qt.ItemDataRole.UserRole, case.case_id)
            if red or case.overdue:
                item.setForeground(QBrush(QColor("#c62828")))
            self.list.addItem(item)

    def case_ids(self) -> list[str]:
        ids = (self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count()))
        return [i for i in ids if i]


class HomeServices(Protocol):
    """What 首页 needs (the facade has it): today's work, read on a worker thread, the station's today, and
    the ``changed`` signal it refreshes on."""

    changed: SignalInstance

    def home(self) -> HomeView: ...
    def today(self) -> date: ...


class HomePage(QWidget):
    case_opened = Signal(str)  # case_id

    def __init__(self, facade: HomeServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facade = facade
        self.view: HomeView | None = None
        self.greeting = QLabel()
        font = self.greeting.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.greeting.setFont(font)
        self.cards: dict[str, HomeCard] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        for i, (key, title, color, empty) in enumerate(GROUPS):
            card = HomeCard(title, color, empty)
            card.list.itemClicked.connect(self._open)
            card.list.itemActivated.connect(self._open)
            self.cards[key] = card
            grid.addWidget(card, i // 3, i % 3)
        # 镇窗口收件有差异: shown only when the town window's count differs from a handover of ours
        self.receipt_card = HomeCard("镇窗口收件有差异（请与镇中心核对）", "#c62828", "没有收件差异")
        self.receipt_card.list.itemClicked.connect(self._open)
        self.receipt_card.list.itemActivated.connect(self._open)
        self.receipt_card.setMaximumHeight(160)
        self.receipt_card.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addWidget(self.receipt_card)
        layout.addLayout(grid, 1)
        facade.changed.connect(lambda _changed: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        ReadOp(self, "home", self.facade.home, self._show).run_in_background()

    def _show(self, view: HomeView) -> None:
        self.view = view
        for key, _title, _color, _empty in GROUPS:
            self.cards[key].show_cases(getattr(view, key), red=key == "overdue", total=view.totals.get(key))
        self.receipt_card.show_cases(view.receipt_problems, red=True)
        self.receipt_card.setVisible(bool(view.receipt_problems))
        urgent = sum(max(view.totals.get(k, 0), len(getattr(view, k))) for k in ("overdue", "due_today"))
        today = self.facade.today()
        text = f"{today:%Y年%m月%d日}　今天的工作"
        self.greeting.setText(text + (f"：{urgent} 件需要马上处理" if urgent else "：没有超期或今天到期的办件"))

    def _open(self, item: QListWidgetItem) -> None:
        case_id = item.data(Qt.ItemDataRole.UserRole)
        if case_id:
            self.case_opened.emit(str(case_id))
