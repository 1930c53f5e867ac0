"""数据 → 数据备份与恢复: the backup folder (e.g. a USB stick), the verified backups, 立即备份, 恢复备份.

Every file and database step runs off the GUI thread (the writes as ``WriteOp``). A restore closes the
station database: before it, the main window stops its background work
(``stop_background_work``); afterwards the dialog emits ``reopen_needed`` and
the application opens the database again and asks the clerk to log in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.safety import backup
from desktop.services.safety.backup import BackupError, CheckedBackup, Restored

from .backup_list import BACKUP_FILTER, check_all, fill_backup_list, selected_path
from .errors import show_error
from .ops import WriteOp
from .tasks import run_task

EXPLANATION = (
    "代办通每天自动备份一次，每次升级前也先备份一次；旧的备份自动轮换删除，只保留最近的若干份。\n"
    "把备份位置设到U盘，就在这台电脑之外多留了一份（U盘没插时，备份暂存到默认位置）。"
    "备份存到默认位置以外时，会作为一次数据导出记入审计记录。"
)
CONFIRM = (
    "要用 {when} 的备份（{reason}）替换本站现在的数据吗？\n\n"
    "• 现在的数据不会删除，会另存一份在数据文件夹中。\n"
    "• 这份备份之后已同步到镇中心的办件和办理记录，下次同步时会从镇中心取回。\n"
    "• 这份备份之后还没有同步的记录，恢复后就没有了，需要对照纸质材料补登。\n"
    "• 镇中心的办理结果（受理、办结、退回等），下次同步时也会重新取回。\n"
    "• 恢复后代办通会重新打开，请重新登录。"
)

#: Stop the app's background work (sync, timers), then call the function given.
StopWork = Callable[[Callable[[], None]], None]


@dataclass(frozen=True)
class Listing:
    folder: Path
    is_default: bool
    checked: list[CheckedBackup]


class Backups(Protocol):
    """What the dialog needs of the station's backups; every method runs on a worker thread."""

    def listing(self) -> Listing: ...
    def backup_now(self) -> backup.BackupInfo: ...
    def set_folder(self, folder: Path | None) -> Path: ...
    def restore(self, path: Path) -> Restored: ...


def listing(folder: Path, default_folder: Path, data_dir: Path) -> Listing:
    """The backup folder and every backup in it, each verified (integrity and hash chain)."""
    return Listing(folder, folder.resolve() == default_folder.resolve(), check_all(data_dir))


def confirm_restore(parent: QWidget, checked: CheckedBackup) -> bool:
    """Ask in plain words before the station's data is replaced (取消 is the default)."""
    text = CONFIRM.format(when=f"{checked.info.taken_at:%Y-%m-%d %H:%M}", reason=checked.info.reason_label)
    box = QMessageBox(QMessageBox.Icon.Warning, "恢复备份", text, parent=parent)
    ok = box.addButton("恢复这份备份", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is ok


class BackupDialog(QDialog):
    #: The station database was closed for a restore: a ``Restored``, or None when the restore failed (the
    #: database is unchanged). Either way the application must open it again.
    reopen_needed = Signal(object)

    def __init__(
        self,
        backups: Backups,
        parent: QWidget | None = None,
        stop_background_work: StopWork | None = None,
        resume_background_work: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.backups = backups
        self.stop_background_work: StopWork = stop_background_work or (lambda then: then())
        self.resume_background_work = resume_background_work or (lambda: None)
        self.busy = False
        self.folder: Path | None = None
        self._is_default = True
        self.checked: dict[str, CheckedBackup] = {}
        self.restored: Restored | None = None
        self.setWindowTitle("数据备份与恢复")
        self.setMinimumSize(760, 520)

        self.folder_label = QLabel("……")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_button = QPushButton("更改位置…")
        self.change_button.clicked.connect(self.change_folder)
        self.default_button = QPushButton("恢复默认位置")
        self.default_button.clicked.connect(self.use_default_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.change_button)
        folder_row.addWidget(self.default_button)
        folder_box = QGroupBox("备份位置")
        folder_box.setLayout(folder_row)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy, no percentage
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        self.backup_list = QListWidget()
        self.backup_list.currentItemChanged.connect(self._update_buttons)

        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.back_up_now)
        self.file_button = QPushButton("从文件恢复…")
        self.file_button.clicked.connect(self.restore_from_file)
        self.restore_button = QPushButton("恢复所选备份")
        self.restore_button.clicked.connect(self.restore_selected)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.file_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(folder_box)
        layout.addWidget(explanation)
        layout.addWidget(QLabel("备份（最新的在最上面）："))
        layout.addWidget(self.backup_list, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.refresh()

    # ------------------------------------------------------------------ busy state
    def _run(self, what: str, op: Callable[[], Any], on_done: Callable[[Any], None], *, write: bool = False) -> None:
        """Run ``op`` off the GUI thread (a ``write`` as a ``WriteOp``) with the buttons disabled and ``what``
        shown."""
        self.busy = True
        self.status_label.setText(what)
        self.progress.show()
        self._update_buttons()

        def finish(result: Any) -> None:
            self._finish(on_done, result)

        if write:
            WriteOp(self, None, op).success(finish).failure(self._on_failed).run_in_background()
        else:
            run_task(op, finish, self._on_failed)

    def _finish(self, on_done: Callable[[Any], None], result: Any) -> None:
        self.busy = False
        self.progress.hide()
        on_done(result)
        self._update_buttons()

    def _on_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.progress.hide()
        self.status_label.setText("刚才的操作没有完成，什么都没有改动。")
        self._update_buttons()
        show_error(self, exc)

    def _update_buttons(self) -> None:
        idle = not self.busy and self.restored is None
        for button in (self.change_button, self.backup_button, self.file_button):
            button.setEnabled(idle)
        self.default_button.setEnabled(idle and self.folder is not None and not self._is_default)
        self.restore_button.setEnabled(idle and selected_path(self.backup_list) is not None)

    # ------------------------------------------------------------------ listing and backing up
    def refresh(self, note: str = "") -> None:
        """List the backups, each verified (integrity and hash chain) off the GUI thread."""
        self._run("正在校验备份……", self.backups.listing, lambda listing: self._on_listed(listing, note))

    def _on_listed(self, listing: Listing, note: str) -> None:
        self.folder = listing.folder
        self._is_default = listing.is_default
        where = "（默认位置）" if listing.is_default else ""
        self.folder_label.setText(f"{listing.folder}{where}")
        self.checked = {str(c.info.path): c for c in listing.checked}
        good = fill_backup_list(self.backup_list, listing.checked)
        if listing.checked:
            damaged = len(listing.checked) - len(good)
            summary = f"共 {len(listing.checked)} 份备份，{len(good)} 份可用" + (
                f"，{damaged} 份已损坏。" if damaged else "。"
            )
        else:
            summary = "还没有备份。点击「立即备份」马上备份一份。"
        self.status_label.setText(f"{note}{summary}")

    def back_up_now(self) -> None:
        self._run("正在备份……", self.backups.backup_now, self._on_backed_up, write=True)

    def _on_backed_up(self, made: backup.BackupInfo) -> None:
        self.refresh(f"已备份到 {made.path.parent}（{made.size_bytes / 1_048_576:.1f} MB）。")

    def change_folder(self) -> None:
        start = str(self.folder) if self.folder else ""
        name = QFileDialog.getExistingDirectory(self, "选择备份位置（可以选U盘）", start)
        if name:
            self._set_folder(Path(name))

    def use_default_folder(self) -> None:
        self._set_folder(None)

    def _set_folder(self, folder: Path | None) -> None:
        backups = self.backups
        self._run(
            "正在检查这个文件夹能否写入……",
            lambda: backups.set_folder(folder),
            lambda now: self.refresh(f"备份位置已改为 {now}。"),
            write=True,
        )

    # ------------------------------------------------------------------ restoring
    def restore_selected(self) -> None:
        path = selected_path(self.backup_list)
        checked = self.checked.get(str(path)) if path is not None else None
        if checked is not None:
            self._confirm_and_restore(checked)

    def restore_from_file(self) -> None:
        start = str(self.folder) if self.folder else ""
        name, _ = QFileDialog.getOpenFileName(self, "选择备份文件", start, BACKUP_FILTER)
        if name:
            path = Path(name)
            self._run("正在校验所选备份……", lambda: backup.check_backup_file(path), self._on_file_checked)

    def _on_file_checked(self, checked: CheckedBackup) -> None:
        if not checked.ok:
            self.status_label.setText("所选的文件不能用来恢复，什么都没有改动。")
            show_error(self, BackupError(checked.problem), "不能用这份备份恢复")
            return
        self._confirm_and_restore(checked)

    def _confirm_and_restore(self, checked: CheckedBackup) -> None:
        if not confirm_restore(self, checked):
            self.status_label.setText("没有恢复，本站数据未改动。")
            return
        self.busy = True
        self.progress.show()
        self.status_label.setText("正在等待后台工作（例如正在进行的同步）结束……")
        self._update_buttons()
        self.close_button.setEnabled(False)
        self.stop_background_work(lambda: self._restore(checked.info.path))

    def _restore(self, path: Path) -> None:
        backups = self.backups
        closed: list[bool] = []

        def op() -> Restored:
            checked = backup.check_backup_file(path)  # checked again: a USB stick may have changed
            if not checked.ok:
                raise BackupError(checked.problem)
            closed.append(True)
            return backups.restore(path)  # closes the station database first

        self.status_label.setText("正在恢复备份，请稍候……")
        restore = WriteOp(self, None, op)  # the window reopens the database after it (``reopen_needed``)
        restore.success(self._on_restored).failure(lambda exc: self._on_restore_failed(exc, bool(closed)))
        restore.run_in_background()

    def _on_restored(self, restored: Restored) -> None:
        self.restored = restored
        self.busy = False
        self.progress.hide()
        self.status_label.setText("已恢复。")
        self._update_buttons()
        self.accept()
        self.reopen_needed.emit(restored)

    def _on_restore_failed(self, exc: BaseException, database_closed: bool) -> None:
        self.busy = False
        self.progress.hide()
        self.close_button.setEnabled(True)
        self.status_label.setText("恢复没有完成，本站数据未改动。")
        if not database_closed:
            self.resume_background_work()
            self._update_buttons()
            show_error(self, exc, "不能用这份备份恢复")
            return
        self.restored = None
        self._update_buttons()
        show_error(self, exc, "恢复没有完成")
        self.accept()
        self.reopen_needed.emit(None)
