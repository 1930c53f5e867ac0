"""The list of backups with their verification result, shared by 数据备份 and the recovery screen."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from desktop.services.safety import backup
from desktop.services.safety.backup import CheckedBackup

#: The file filter of a backup picked by hand.
BACKUP_FILTER = "代办通备份 (*.sqlite3)"


def check_all(data_dir: Path, extra: Path | None = None) -> list[CheckedBackup]:
    """Every backup, newest first, each verified; ``extra`` (a file picked by hand) first. Slow: run it off
    the GUI thread."""
    found = backup.check_backups(data_dir)
    if extra is not None:
        found.insert(0, backup.check_backup_file(extra))
    return found


def item_text(checked: CheckedBackup) -> str:
    state = "可用" if checked.ok else f"损坏：{checked.problem}"
    return f"{checked.info.label}  {state}"


def fill_backup_list(widget: QListWidget, checked: Sequence[CheckedBackup]) -> list[CheckedBackup]:
    """Show ``checked`` in ``widget``: a damaged backup is listed but cannot be chosen; the newest usable one
    is selected. Return the usable ones."""
    widget.clear()
    for c in checked:
        item = QListWidgetItem(item_text(c))
        item.setData(Qt.ItemDataRole.UserRole, str(c.info.path))
        item.setToolTip(str(c.info.path))
        if not c.ok:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
        widget.addItem(item)
    good = [c for c in checked if c.ok]
    if good:
        widget.setCurrentRow(list(checked).index(good[0]))
    return good


def selected_path(widget: QListWidget) -> Path | None:
    """The backup chosen in ``widget`` (None: none, or a damaged one)."""
    item = widget.currentItem()
    if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
        return None
    return Path(item.data(Qt.ItemDataRole.UserRole))
