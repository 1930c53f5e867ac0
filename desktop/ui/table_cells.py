"""Reading back the cells a ``QTableWidget`` was filled with."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def filled_item(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item the table's own code set at (``row``, ``column``); Qt's ``item`` says None for an empty cell."""
    item = table.item(row, column)
    assert item is not None, f"no item at ({row}, {column})"
    return item
