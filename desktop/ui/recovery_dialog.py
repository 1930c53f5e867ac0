"""数据库损坏 at start: explain, list the verified backups, restore one, then ask for a sync.

``run_recovery(data_dir)`` is called by the application when opening the
station database raised ``DatabaseDamaged``; it returns True when a backup
was restored (the app then opens the database again) and False when the
clerk chose to quit.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.safety import backup
from desktop.services.safety.backup import CheckedBackup, Restored

from .action_form import ERROR_STYLE
from .backup_list import BACKUP_FILTER, check_all, fill_backup_list, selected_path
from .errors import user_message
from .ops import WriteOp
from .tasks import run_task

EXPLANATION = (
    "本站数据库文件已损坏（可能是突然断电或硬盘故障造成的），为避免错上加错，代办通没有打开它。\n\n"
    "请从下面选择一份备份恢复（最新的在最上面，只有校验通过的备份可以选择）。"
    "损坏的数据库文件不会删除，会改名保存在数据文件夹中。\n"
    "恢复后第一次同步时，备份之后已同步到镇中心的本站记录和镇中心的办理结果会从镇中心取回；"
    "备份之后还没有同步的记录需要补登。"
)
DONE = (
    "已从备份恢复（{when}，{events} 条办件记录）。\n\n"
    "请在主界面点击「立即同步」，从镇中心取回备份之后已同步的本站记录和办理结果；"
    "备份之后还没有同步的记录请对照纸质材料补登。\n损坏的数据库文件已改名保存为：{aside}"
)


class RecoveryDialog(QDialog):
    """Lists the backups (checked on a worker), restores the chosen one through ``run_task``."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.restored: Restored | None = None
        self.setWindowTitle("数据库损坏 — 从备份恢复")
        self.setMinimumWidth(620)
        intro = QLabel(EXPLANATION)
        intro.setWordWrap(True)
        self.status_label = QLabel("正在校验备份……")
        self.backup_list = QListWidget()
        self.backup_list.currentItemChanged.connect(self._update_buttons)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.restore_button = QPushButton("恢复所选备份")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        self.browse_button = QPushButton("选择其他备份文件…")
        self.browse_button.clicked.connect(self.browse)
        self.quit_button = QPushButton("退出代办通")
        self.quit_button.clicked.connect(self.reject)
        self.continue_button = QPushButton("继续打开代办通")
        self.continue_button.clicked.connect(self.accept)
        self.continue_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.browse_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status_label)
        layout.addWidget(self.backup_list, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.checking = True
        self.checked: dict[str, CheckedBackup] = {}
        self._check(None)

    # ------------------------------------------------------------------ listing
    def _check(self, extra: Path | None) -> None:
        data_dir = self.data_dir
        self.checking = True
        self.restore_button.setEnabled(False)
        run_task(lambda: check_all(data_dir, extra), self._on_checked, self._on_failed)

    def _on_checked(self, checked: list[CheckedBackup]) -> None:
        self.checking = False
        self.checked = {str(c.info.path): c for c in checked}
        good = fill_backup_list(self.backup_list, checked)
        if good:
            self.status_label.setText(f"找到 {len(checked)} 份备份，其中 {len(good)} 份校验通过。")
        elif checked:
            self.status_label.setText("找到的备份都没有通过校验。请插入存放备份的U盘后点击「选择其他备份文件…」。")
        else:
            self.status_label.setText("没有找到备份。请插入存放备份的U盘后点击「选择其他备份文件…」，或联系技术支持。")
        self._update_buttons()

    def _update_buttons(self) -> None:
        usable = selected_path(self.backup_list) is not None
        self.restore_button.setEnabled(usable and not self.checking and self.restored is None)

    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "选择备份文件", str(self.data_dir), BACKUP_FILTER)
        if name:
            self._check(Path(name))

    # ------------------------------------------------------------------ restoring
    def selected_path(self) -> Path | None:
        return selected_path(self.backup_list)

    def restore_selected(self) -> None:
        path = self.selected_path()
        if path is None:
            return
        data_dir = self.data_dir
        self.error_label.hide()
        self.restore_button.setEnabled(False)
        self.quit_button.setEnabled(False)
        self.status_label.setText("正在恢复……")
        restore = WriteOp(self, None, lambda: backup.restore_backup(data_dir, path))  # no session yet: no hub
        restore.success(self._on_restored).failure(self._on_failed).run_in_background()

    def _on_restored(self, restored: Restored) -> None:
        self.restored = restored
        chosen = self.checked.get(str(restored.backup))
        when = f"{chosen.info.taken_at:%Y-%m-%d %H:%M}" if chosen else restored.backup.name
        aside = restored.kept_aside.name if restored.kept_aside else "（无）"
        self.status_label.setText(DONE.format(when=when, events=restored.events, aside=aside))
        self.status_label.setWordWrap(True)
        self.backup_list.setEnabled(False)
        self.browse_button.hide()
        self.restore_button.hide()
        self.quit_button.setEnabled(True)
        self.continue_button.show()
        self.continue_button.setDefault(True)

    def _on_failed(self, exc: BaseException) -> None:
        self.checking = False
        self.quit_button.setEnabled(True)
        self.status_label.setText("操作没有完成，本站数据库未改动。")
        self.error_label.setText(user_message(exc))
        self.error_label.show()
        self._update_buttons()


def run_recovery(data_dir: Path, parent: QWidget | None = None) -> bool:
    """Show the recovery dialog; True when a backup was restored and the app may open the database again."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([])
    dialog = RecoveryDialog(data_dir, parent)
    dialog.exec()
    return dialog.restored is not None
