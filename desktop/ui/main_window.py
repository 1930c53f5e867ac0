"""The main window: today's cases, new entrustment, print, sync."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.services.records import CaseSummary, Changed
from sync.domain.case_rules import STATE_LABELS

from .case_table_model import CaseTableModel
from .connect_dialog import ConnectDialog
from .errors import show_error
from .facade import StationFacade
from .new_case_dialog import NewCaseDialog
from .print_preview import PrintPreviewDialog
from .sync_worker import SyncWorker
from .tasks import run_task


class MainWindow(QMainWindow):
    def __init__(self, facade: StationFacade) -> None:
        super().__init__()
        self.facade = facade
        self.preview: PrintPreviewDialog | None = None
        station = facade.station
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
        self.table.doubleClicked.connect(lambda _index: self.print_entrustment())

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("搜索：姓名、身份证号、电话、办件编号或事项")
        self.search_edit.setClearButtonEnabled(True)
        self.state_combo = QComboBox()
        self.state_combo.addItem("全部状态", "")
        for state, label in STATE_LABELS.items():
            self.state_combo.addItem(label, state.value)
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.state_combo.currentIndexChanged.connect(lambda _index: self.refresh())

        filters = QHBoxLayout()
        filters.addWidget(QLabel("查找"))
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.state_combo)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

        toolbar = QToolBar("常用操作")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        self.new_action = QAction("新建委托", self, shortcut=QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_case)
        self.print_action = QAction("打印委托书", self, shortcut=QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_entrustment)
        self.sync_action = QAction("立即同步", self)
        self.sync_action.triggered.connect(self.sync_now)
        self.connect_action = QAction("连接镇中心", self)
        self.connect_action.triggered.connect(self.connect_center)
        for action in (self.new_action, self.print_action, self.sync_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.connect_action)

        self.count_label = QLabel()
        self.sync_label = QLabel()
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.facade.changed.connect(self._on_changed)
        self.sync_worker = SyncWorker(facade, parent=self)
        self.sync_worker.sync_started.connect(self._on_sync_started)
        self.sync_worker.sync_progressed.connect(self._on_sync_progressed)
        self.sync_worker.sync_finished.connect(self._on_synced)
        self.sync_worker.sync_failed.connect(self._on_sync_failed)
        self.refresh()

    # --- list ---
    def refresh(self) -> None:
        text = self.search_edit.text()
        state = str(self.state_combo.currentData() or "")
        run_task(lambda: self.facade.list_cases(text, state or None), self._show_cases, self._on_error)
        run_task(self.facade.sync_status, self._show_sync_status, self._on_error)

    def _show_cases(self, rows: list[CaseSummary]) -> None:
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 件")

    def _show_sync_status(self, text: str) -> None:
        self.sync_label.setText(text)

    def _on_changed(self, changed: Changed) -> None:
        if changed.message:
            self.statusBar().showMessage(changed.message, 5000)
        self.refresh()

    def _on_error(self, exc: BaseException) -> None:
        show_error(self, exc)

    def selected_case(self) -> CaseSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    # --- actions ---
    def new_case(self) -> NewCaseDialog:
        dialog = NewCaseDialog(self.facade.catalog, self.facade.register_case, self)
        dialog.case_saved.connect(self.facade.changed.emit)
        dialog.open()
        return dialog

    def print_entrustment(self) -> None:
        case = self.selected_case()
        if case is None:
            QMessageBox.information(self, "打印委托书", "请先在列表中选择一个办件。")
            return
        run_task(
            lambda: self.facade.entrustment_pdf(case.case_id),
            lambda pdf: self._preview(pdf, f"代办服务委托书 {case.case_no}"),
            self._on_error,
        )

    def _preview(self, pdf: bytes, title: str) -> None:
        self.preview = PrintPreviewDialog(pdf, title, self)
        self.preview.open()

    def connect_center(self) -> ConnectDialog:
        dialog = ConnectDialog(self.facade.connect_center, self)
        dialog.connected.connect(self.facade.changed.emit)
        dialog.open()
        return dialog

    def sync_now(self) -> None:
        """立即同步: the same background sync the timer runs."""
        self.sync_worker.sync_now()

    def _on_sync_started(self) -> None:
        self.sync_action.setEnabled(False)
        self.sync_label.setText("正在同步…")

    def _on_sync_progressed(self, done: int, total: int) -> None:
        self.sync_label.setText(f"正在上传 {done}/{total} 条…")

    def _on_synced(self, changed: Changed) -> None:
        self.sync_action.setEnabled(True)
        self.facade.changed.emit(changed)

    def _on_sync_failed(self, message: str) -> None:
        # The status bar says what went wrong; a dialog would interrupt the clerk on every retry.
        self.sync_action.setEnabled(True)
        self.refresh()
        self.statusBar().showMessage(f"同步未完成：{message}", 15000)
