"""The main window: 首页 (today's work) and the case list; new entrustment, print, sync, switch user, backups."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import CaseSummary, Changed, ClerkInfo, StationInfo
from desktop.services.safety.backup import Restored

from .about_dialog import AboutDialog
from .backup_dialog import BackupDialog
from .case_detail_window import CaseDetailWindow
from .case_filters import CaseFilterBar
from .case_table_model import CaseTableModel
from .connect_dialog import ConnectDialog
from .errors import show_error
from .home_page import HomePage
from .ledger_dialog import LedgerDialog
from .login_dialog import LoginDialog
from .new_case_dialog import NewCaseDialog
from .new_case_draft import DraftCalls
from .next_steps_dialog import NextStepsDialog
from .ops import ReadOp
from .print_preview import PrintPreviewDialog, case_form_preview
from .station_settings_dialog import StationSettingsDialog
from .sync_worker import SyncWorker
from .tasks import run_task, when_idle
from .unlock_dialog import UnlockDialog
from .update_banner import UpdateBanner
from .usb_transfer import export_to_usb, import_from_usb
from .window_services import StationServices


class MainWindow(QMainWindow):
    #: The window closed because the station database was closed for a restore: open it again and log in.
    closed_for_reopen = Signal()

    def __init__(self, facade: StationServices) -> None:
        super().__init__()
        self.facade = facade
        self.reopen_requested = False
        self.backup_dialog: BackupDialog | None = None
        self._stopped_timers: list[QTimer] = []
        self.preview: PrintPreviewDialog | None = None
        self.next_steps_dialog: NextStepsDialog | None = None
        self.about_dialog: AboutDialog | None = None
        self.case_windows: dict[str, CaseDetailWindow] = {}
        self.login_dialog: LoginDialog | None = None
        self.unlock_dialog: UnlockDialog | None = None
        #: The clerk cancelled the password prompt: the timer's syncs stop asking (立即同步 still asks).
        self.unlock_declined = False
        station = facade.station
        self.station_name = station.name
        self.setWindowTitle(f"代办通 — {station.name}（{station.code}）")
        self.resize(1200, 720)

        self.model = CaseTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_selected)
        self.table.activated.connect(self._open_selected)  # Enter opens the case too

        self.filters = CaseFilterBar(facade.today())
        self.search_edit = self.filters.search_edit
        self.state_combo = self.filters.state_combo
        self.filters.filters_changed.connect(self.refresh)
        cases_page = QWidget()
        layout = QVBoxLayout(cases_page)
        layout.addWidget(self.filters)
        layout.addWidget(self.table)
        self.home = HomePage(facade)
        self.home.case_opened.connect(self.open_case)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.home, "首页")
        self.tabs.addTab(cases_page, "办件列表")
        self.update_banner = UpdateBanner(facade)  # 新版本可用: hidden unless the center published a newer one
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.update_banner)
        column.addWidget(self.tabs)
        self.setCentralWidget(central)

        self.toolbar = toolbar = QToolBar("常用操作")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        self.new_action = QAction("新建委托", self, shortcut=QKeySequence(QKeySequence.StandardKey.New))
        self.new_action.triggered.connect(self.new_case)
        self.print_action = QAction("打印委托书", self, shortcut=QKeySequence(QKeySequence.StandardKey.Print))
        self.print_action.triggered.connect(self.print_entrustment)
        self.sync_action = QAction("立即同步", self)
        self.sync_action.triggered.connect(self.sync_now)
        self.connect_action = QAction("连接镇中心", self)
        self.connect_action.triggered.connect(self.connect_center)
        self.open_action = QAction("打开办件", self)
        self.open_action.triggered.connect(self._open_selected)
        self.ledger_action = QAction("台账与档案", self)
        self.ledger_action.triggered.connect(self.open_ledger)
        f = self.facade
        self.export_action = QAction("导出到U盘", self)
        self.export_action.triggered.connect(lambda: export_to_usb(self, f.export_to_file, f, f.today(), f.unlock_sync))
        self.import_action = QAction("从U盘导入", self)
        self.import_action.triggered.connect(lambda: import_from_usb(self, f.import_from_file, f, f.unlock_sync))
        self.switch_user_action = QAction("切换用户", self)
        self.switch_user_action.triggered.connect(self.switch_user)
        for action in (self.new_action, self.open_action, self.print_action, self.ledger_action, self.sync_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.connect_action)
        toolbar.addAction(self.export_action)
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.switch_user_action)
        self.about_action = QAction("关于代办通", self)
        self.about_action.triggered.connect(self.show_about)
        self.backup_action = QAction("数据备份与恢复…", self)
        self.backup_action.triggered.connect(self.open_backups)
        self.settings_action = QAction("代办站设置…", self)
        self.settings_action.triggered.connect(self.open_station_settings)
        data_menu = self.menuBar().addMenu("数据")
        data_menu.addAction(self.settings_action)
        data_menu.addAction(self.backup_action)
        help_menu = self.menuBar().addMenu("帮助")
        help_menu.addAction(self.about_action)

        self.count_label = QLabel()
        self.sync_label = QLabel()
        self.clerk_label = QLabel(f"经办人：{station.clerk}　")
        self.link_warning_label = QLabel()  # 与镇中心的连接未加密, while the center address is plain http
        self.link_warning_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.link_warning_label.setVisible(False)
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.clerk_label)
        self.statusBar().addPermanentWidget(self.link_warning_label)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.facade.changed.connect(self._on_changed)
        self.sync_worker = SyncWorker(facade, parent=self)
        self.sync_worker.sync_started.connect(self._on_sync_started)
        self.sync_worker.sync_progressed.connect(self._on_sync_progressed)
        self.sync_worker.sync_finished.connect(self._on_synced)
        self.sync_worker.sync_failed.connect(self._on_sync_failed)
        self.sync_worker.credential_locked.connect(self.ask_password_for_sync)
        self.refresh()
        self.update_banner.refresh()

    # --- list ---
    def refresh(self) -> None:
        """The list, the sync status and the link warning, each a ``ReadOp``: a newer refresh supersedes an
        older one still running, so a slow older search never overwrites the newer one's rows."""
        case_filter, f = self.filters.case_filter(), self.facade
        ReadOp(self, "cases", lambda: f.search_cases(case_filter), self._show_cases).run_in_background()
        ReadOp(self, "sync_status", f.sync_status, self._show_sync_status).run_in_background()
        ReadOp(self, "link_warning", f.center_link_warning, self._show_link_warning).run_in_background()

    def _show_cases(self, rows: list[CaseSummary]) -> None:
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 件")

    def _show_sync_status(self, text: str) -> None:
        self.sync_label.setText(text)

    def _show_link_warning(self, text: str) -> None:
        self.link_warning_label.setText(text)
        self.link_warning_label.setVisible(bool(text))

    def _on_changed(self, changed: Changed) -> None:
        if changed.message:
            self.statusBar().showMessage(changed.message, 5000)
        self.refresh()

    def _on_error(self, exc: BaseException) -> None:
        show_error(self, exc)

    def selected_case(self) -> CaseSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    # --- cases ---
    def _open_selected(self) -> None:
        case = self.selected_case()
        if case is None:
            QMessageBox.information(self, "打开办件", "请先在列表中选择一个办件。")
            return
        self.open_case(case.case_id)

    def open_case(self, case_id: str) -> CaseDetailWindow:
        """The case page (one window per case; opening it again brings it to the front)."""
        window = self.case_windows.get(case_id)
        if window is None:
            window = CaseDetailWindow(self.facade, case_id, self)
            window.finished.connect(lambda _r: self.case_windows.pop(case_id, None))
            self.case_windows[case_id] = window
        elif not window.isVisible():
            window.refresh()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_ledger(self) -> LedgerDialog:
        """代办台账 / 档案移交清单 of a period: preview, print or export to Excel."""
        dialog = LedgerDialog(self.facade.ledger_source(), self)
        dialog.open()
        return dialog

    def switch_user(self) -> LoginDialog:
        """切换用户: the next clerk logs in; every later event carries that clerk."""
        dialog = LoginDialog(
            self.facade.login,
            self.station_name,
            self,
            reset=self.facade.reset_password,
            hub=self.facade,
        )
        dialog.setWindowTitle("切换用户")
        dialog.accepted.connect(lambda: self._on_logged_in(dialog.clerk))
        self.login_dialog = dialog
        dialog.open()
        return dialog

    def _on_logged_in(self, clerk: ClerkInfo | None) -> None:
        """The login announced itself (``WriteOp``: every view refreshes, the status bar says who)."""
        if clerk is None:
            return
        self.clerk_label.setText(f"经办人：{clerk.display_name}　")

    # --- actions ---
    def new_case(self) -> NewCaseDialog:
        f = self.facade
        dialog = NewCaseDialog(
            f.catalog,
            f.register_case,
            f.prepare_registration,
            f.clerk_name,
            self,
            clock=f.clock,
            items=f.item_choices,
            known_names=f.other_names,
            read_card=f.read_id_card,
            drafts=DraftCalls(f.keep_registration_draft, f.load_registration_draft, f.forget_registration_draft),
            hub=f,
        )
        dialog.case_saved.connect(self.offer_next_steps)
        dialog.open()
        return dialog

    def offer_next_steps(self, changed: Changed) -> NextStepsDialog | None:
        """下一步 right after registration: the villager's prints and the handover, in one place."""
        if not changed.case_ids:
            return None
        self.next_steps_dialog = NextStepsDialog(self.facade, changed.case_ids[0], self)
        self.next_steps_dialog.open()
        return self.next_steps_dialog

    def print_entrustment(self) -> None:
        case = self.selected_case()
        if case is None:
            QMessageBox.information(self, "打印委托书", "请先在列表中选择一个办件。")
            return
        run_task(
            lambda: self.facade.entrustment_pdf(case.case_id),
            lambda pdf: self._preview(pdf, f"代办服务委托书 {case.case_no}", case.case_id),
            self._on_error,
        )

    def _preview(self, pdf: bytes, title: str, case_id: str) -> None:
        self.preview = case_form_preview(self, self.facade, case_id, title, pdf)
        self.preview.open()

    def show_about(self) -> AboutDialog:
        """帮助 → 关于代办通."""
        dialog = AboutDialog(self.facade.about_info, self)
        self.about_dialog = dialog
        dialog.open()
        return dialog

    def open_station_settings(self) -> StationSettingsDialog:
        """数据 → 代办站设置: station data, clerks, one's own password, the recovery code."""
        dialog = StationSettingsDialog(self.facade.station_settings(), self)
        dialog.station_saved.connect(self._on_station_saved)
        dialog.settings_changed.connect(lambda message: self.statusBar().showMessage(message, 5000))
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _on_station_saved(self, station: StationInfo) -> None:
        self.station_name = station.name
        self.setWindowTitle(f"代办通 — {station.name}（{station.code}）")

    def open_backups(self) -> BackupDialog:
        """数据 → 数据备份与恢复: the backup folder, the verified backups, 立即备份 and 恢复备份."""
        dialog = BackupDialog(self.facade.backups(), self, self.stop_background_work, self.resume_background_work)
        dialog.reopen_needed.connect(self._reopen_after_restore)
        self.backup_dialog = dialog
        dialog.open()
        return dialog

    def _frame_parts(self) -> tuple[QWidget, ...]:
        """The page, the toolbar and the menu bar: what a restore makes inert."""
        central = self.centralWidget()
        assert central is not None  # set once in __init__
        return central, self.toolbar, self.menuBar()

    def stop_background_work(self, then: Callable[[], None]) -> None:
        """Before the station database is closed: no more syncs or timers, case pages closed, the window
        inert; ``then`` runs once every background task has finished."""
        self.sync_worker.pause()
        self._stopped_timers = [t for t in self.findChildren(QTimer) if t.isActive()]
        for timer in self._stopped_timers:
            timer.stop()
        for window in list(self.case_windows.values()):
            window.close()
        for part in self._frame_parts():
            part.setEnabled(False)
        when_idle(then)

    def resume_background_work(self) -> None:
        """The restore did not start after all: the database is still open, carry on."""
        for part in self._frame_parts():
            part.setEnabled(True)
        for timer in self._stopped_timers:
            timer.start()
        self._stopped_timers = []
        self.sync_worker.resume()

    def _reopen_after_restore(self, restored: Restored | None) -> None:
        if restored is not None:
            aside = f"\n\n恢复前的数据已另存为：{restored.kept_aside.name}" if restored.kept_aside else ""
            text = (
                f"已从备份恢复（{restored.events} 条记录）。代办通将重新打开，请重新登录。\n\n"
                "登录后会自动同步：备份之后已同步的本站记录和镇中心的办理结果会从镇中心取回；"
                "备份之后还没有同步的记录请对照纸质材料补登。"
                f"{aside}"
            )
        else:
            text = "本站数据未改动。代办通将重新打开，请重新登录。"
        QMessageBox.information(self, "数据备份与恢复", text)
        self.reopen_requested = True
        self.close()
        self.closed_for_reopen.emit()

    def connect_center(self) -> ConnectDialog:
        dialog = ConnectDialog(self.facade.connect_center, self, self.facade.center_address, hub=self.facade)
        dialog.open()
        return dialog

    def sync_now(self) -> None:
        """立即同步: the same background sync the timer runs."""
        self.sync_worker.sync_now(asked=True)

    def ask_password_for_sync(self, asked: bool) -> UnlockDialog | None:
        """The credential kept on this PC is locked: ask the clerk's password, then sync.

        立即同步 always asks; the timer asks until the clerk cancels once (then only the status bar says it).
        """
        if self.unlock_dialog is not None and self.unlock_dialog.isVisible():
            return self.unlock_dialog
        if not asked and self.unlock_declined:
            return None
        dialog = UnlockDialog(self.facade.unlock_sync, "同步需要本站的同步凭证。", self)
        dialog.unlocked.connect(self._on_sync_unlocked)
        dialog.rejected.connect(lambda: setattr(self, "unlock_declined", True))
        self.unlock_dialog = dialog
        dialog.open()
        return dialog

    def _on_sync_unlocked(self) -> None:
        self.unlock_declined = False
        self.statusBar().showMessage("同步凭证已解锁，正在同步…", 5000)
        self.sync_worker.sync_now(asked=True)

    def _on_sync_started(self) -> None:
        self.sync_action.setEnabled(False)
        self.sync_label.setText("正在同步…")

    def _on_sync_progressed(self, done: int, total: int) -> None:
        self.sync_label.setText(f"正在上传 {done}/{total} 条…")

    def _on_synced(self, _changed: Changed) -> None:
        """The sync announced what it changed itself (``WriteOp``)."""
        self.sync_action.setEnabled(True)

    def _on_sync_failed(self, message: str) -> None:
        # The status bar says what went wrong; a dialog would interrupt the clerk on every retry.
        self.sync_action.setEnabled(True)
        self.refresh()
        self.statusBar().showMessage(f"同步未完成：{message}", 15000)
