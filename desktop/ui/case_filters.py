"""The case list's search bar: one box for everything, plus fields and a registration date range."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import CaseFilter
from sync.domain.case_rules import STATE_LABELS

from .rare_char_dialog import attach_to


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _day(edit: QDateEdit) -> date:
    day = edit.date().toPython()
    assert isinstance(day, date)  # a QDate converts to a date (the stubs say object)
    return day


class CaseFilterBar(QWidget):
    """``filters_changed`` fires (debounced) whenever a filter changes; ``case_filter()`` reads them."""

    filters_changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("搜索：姓名、身份证号、电话、办件编号或事项")
        self.search_edit.setClearButtonEnabled(True)
        attach_to(self.search_edit, button=False)  # a rare name is searched for as it is typed in
        self.state_combo = QComboBox()
        self.state_combo.addItem("全部状态", "")
        for state, label in STATE_LABELS.items():
            self.state_combo.addItem(label, state.value)
        self.more_button = QPushButton("更多条件")
        self.more_button.setCheckable(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("查找"))
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.state_combo)
        top.addWidget(self.more_button)

        self.name_edit, self.id_edit, self.phone_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.case_no_edit, self.item_edit = QLineEdit(), QLineEdit()
        self.id_edit.setPlaceholderText("完整或部分号码")
        self.case_no_edit.setPlaceholderText("如 QH01-20261123")
        self.date_box = QCheckBox("登记日期")
        self.date_from = _date_edit(today.replace(day=1))
        self.date_to = _date_edit(today)
        self.clear_button = QPushButton("清空条件")
        self.clear_button.clicked.connect(self.clear)
        more = QGridLayout()
        for i, (label, edit) in enumerate(
            (
                ("姓名", self.name_edit),
                ("身份证号", self.id_edit),
                ("电话", self.phone_edit),
                ("办件编号", self.case_no_edit),
                ("事项", self.item_edit),
            )
        ):
            more.addWidget(QLabel(label), i // 3, (i % 3) * 2)
            more.addWidget(attach_to(edit) if edit is self.name_edit else edit, i // 3, (i % 3) * 2 + 1)
        dates = QHBoxLayout()
        dates.addWidget(self.date_box)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.date_to)
        dates.addStretch()
        dates.addWidget(self.clear_button)
        more.addLayout(dates, 1, 4, 1, 2)
        self.more = QWidget()
        self.more.setLayout(more)
        self.more.hide()
        self.more_button.toggled.connect(self.more.setVisible)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.more)

        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.filters_changed.emit)
        for edit in self._edits():
            edit.textChanged.connect(lambda _t: self._timer.start())
        self.state_combo.currentIndexChanged.connect(lambda _i: self.filters_changed.emit())
        self.date_box.toggled.connect(lambda _b: self.filters_changed.emit())
        for date_edit in (self.date_from, self.date_to):
            date_edit.dateChanged.connect(lambda _d: self.date_box.isChecked() and self._timer.start())

    def _edits(self) -> tuple[QLineEdit, ...]:
        return (self.search_edit, self.name_edit, self.id_edit, self.phone_edit, self.case_no_edit, self.item_edit)

    def case_filter(self) -> CaseFilter:
        use_dates = self.date_box.isChecked()
        return CaseFilter(
            text=self.search_edit.text().strip(),
            name=self.name_edit.text().strip(),
            id_number=self.id_edit.text().strip(),
            phone=self.phone_edit.text().strip(),
            case_no=self.case_no_edit.text().strip(),
            item=self.item_edit.text().strip(),
            state=str(self.state_combo.currentData() or "") or None,
            date_from=_day(self.date_from) if use_dates else None,
            date_to=_day(self.date_to) if use_dates else None,
        )

    def clear(self) -> None:
        for edit in self._edits():
            edit.clear()
        self.state_combo.setCurrentIndex(0)
        self.date_box.setChecked(False)
