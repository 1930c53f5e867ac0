"""The materials checklist of a new case: catalog items plus free ones."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHeaderView, QSpinBox, QTableWidget, QTableWidgetItem, QWidget

from desktop.services.casework.records import MaterialDraft
from sync.domain.catalog import MaterialRequirement

from .table_cells import filled_item

HEADERS = ("已提交", "材料名称", "原件/复印件", "份数", "必需")


class MaterialsTable(QTableWidget):
    """One row per material; the clerk ticks what the villager handed over."""

    #: Any row added or removed, ticked, renamed, or its form or copies changed.
    materials_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.itemChanged.connect(lambda _item: self.materials_changed.emit())
        self.model().rowsInserted.connect(lambda *_: self.materials_changed.emit())
        self.model().rowsRemoved.connect(lambda *_: self.materials_changed.emit())
        self.setHorizontalHeaderLabels(HEADERS)
        header = self.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)

    def load(self, requirements: tuple[MaterialRequirement, ...]) -> None:
        self.setRowCount(0)
        for req in requirements:
            self.add_row(req.name, original=req.original, copies=req.copies, required=req.required)

    def load_drafts(self, materials: tuple[MaterialDraft, ...]) -> None:
        """The rows as a kept draft had them (names, forms, copies, ticks)."""
        self.setRowCount(0)
        for m in materials:
            row = self.add_row(m.name, original=m.original, copies=m.copies, required=m.required)
            self.set_present(row, m.present)

    def add_row(self, name: str = "", *, original: bool = True, copies: int = 1, required: bool = False) -> int:
        row = self.rowCount()
        self.insertRow(row)
        present = QTableWidgetItem()
        present.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        present.setCheckState(Qt.CheckState.Unchecked)
        self.setItem(row, 0, present)
        self.setItem(row, 1, QTableWidgetItem(name))
        kind = QComboBox()
        kind.addItems(["原件", "复印件"])
        kind.setCurrentIndex(0 if original else 1)
        kind.currentIndexChanged.connect(lambda _i: self.materials_changed.emit())
        self.setCellWidget(row, 2, kind)
        count = QSpinBox()
        count.setRange(1, 999)
        count.setValue(copies)
        count.valueChanged.connect(lambda _v: self.materials_changed.emit())
        self.setCellWidget(row, 3, count)
        needed = QTableWidgetItem("是" if required else "否")
        needed.setData(Qt.ItemDataRole.UserRole, required)
        needed.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.setItem(row, 4, needed)
        return row

    def set_present(self, row: int, present: bool) -> None:
        filled_item(self, row, 0).setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)

    def set_all_present(self, present: bool = True) -> None:
        for row in range(self.rowCount()):
            self.set_present(row, present)

    def materials(self) -> tuple[MaterialDraft, ...]:
        result = []
        for row in range(self.rowCount()):
            name_item = self.item(row, 1)
            kind = self.cellWidget(row, 2)
            count = self.cellWidget(row, 3)
            assert isinstance(kind, QComboBox) and isinstance(count, QSpinBox)
            result.append(
                MaterialDraft(
                    name=name_item.text().strip() if name_item else "",
                    original=kind.currentIndex() == 0,
                    copies=count.value(),
                    required=bool(filled_item(self, row, 4).data(Qt.ItemDataRole.UserRole)),
                    present=filled_item(self, row, 0).checkState() == Qt.CheckState.Checked,
                )
            )
        return tuple(result)
