"""台账与档案: print or export the 代办台账 of a period, or the quarterly 档案移交清单; print the year's
档案查阅（复制）登记表, blank, for the consultations written in by hand (no personal data: not audited).

The dialog is self-contained: it takes a ``LedgerSource`` (``facade.ServiceLedgerSource`` binds the
printing services to the station) and runs every read and render on a worker through ``run_task``
and an export as a ``WriteOp``, with a progress bar. Every file it writes (Excel, or
另存为PDF from the preview) goes through the source's ``save_*``, which records the export; 查看审计记录
lists those records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.printing import ledger as printing_ledger
from desktop.services.safety.audit import AuditEntry
from sync.domain.errors import ValidationError

from .audit_dialog import AuditLogDialog
from .errors import show_error
from .ops import WriteOp
from .print_preview import PrintPreviewDialog, safe_file_name
from .tasks import run_task

Progress = Callable[[int, int], None]
LEDGER, ARCHIVE, REGISTER = 0, 1, 2
THIS_MONTH, LAST_MONTH, THIS_QUARTER, CUSTOM = range(4)
PERIODS = ("本月", "上月", "本季度", "自定义")
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


class LedgerSource(Protocol):
    """What the dialog needs; every method runs on a worker thread."""

    def today(self) -> date: ...
    def ledger_pdf(self, start: date, end: date, progress: Progress) -> bytes: ...
    def ledger_xlsx(self, start: date, end: date, progress: Progress) -> bytes: ...
    def archive_list_pdf(self, year: int, quarter: int, progress: Progress) -> bytes: ...
    def archive_list_xlsx(self, year: int, quarter: int, progress: Progress) -> bytes: ...
    def archive_register_pdf(self, year: int, progress: Progress) -> bytes: ...
    def save_ledger(self, path: str, data: bytes, start: date, end: date, excel: bool) -> str: ...
    def save_archive_list(self, path: str, data: bytes, year: int, quarter: int, excel: bool) -> str: ...
    def save_archive_register(self, path: str, data: bytes) -> str: ...
    def record_ledger_print(self, start: date, end: date, printer: str, pages: int) -> None: ...
    def record_archive_list_print(self, year: int, quarter: int, printer: str, pages: int) -> None: ...
    def audit_log(self) -> list[AuditEntry]: ...


def period_range(choice: int, today: date) -> tuple[date, date]:
    """本月, 上月 or 本季度 as (first day, last day)."""
    first = today.replace(day=1)
    if choice == THIS_MONTH:
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if choice == LAST_MONTH:
        end = first - timedelta(days=1)
        return end.replace(day=1), end
    return printing_ledger.quarter_range(today.year, quarter_of(today))


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


Saver = Callable[[str, bytes], str]
PrintRecorder = Callable[[str, int], None]


@dataclass(frozen=True)
class LedgerJob:
    """The work for a worker thread (reads only values captured from the widgets, never a widget), how
    its file is saved and how its printing is recorded (both recorded as exports)."""

    render: Callable[[Progress], bytes]
    save: Saver
    record_print: PrintRecorder


class LedgerDialog(QDialog):
    """Choose 代办台账 (a period) or 档案移交清单 (a quarter), then 预览/打印 or 导出Excel."""

    exported = Signal(str)  # path of the written workbook

    def __init__(self, source: LedgerSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.today = source.today()
        self.preview_dialog: PrintPreviewDialog | None = None
        self.audit_dialog: AuditLogDialog | None = None
        self._closed = False  # a worker may finish after the dialog was closed: its result is dropped
        self.setWindowTitle("台账与档案")
        self.resize(460, 300)

        self.kind_combo = QComboBox()
        self.kind_combo.addItems(["代办台账", "档案移交清单（按季度）", "档案查阅（复制）登记表（空白）"])
        self.period_combo = QComboBox()
        self.period_combo.addItems(PERIODS)
        self.start_edit = self._date_edit()
        self.end_edit = self._date_edit()
        ledger_page = QWidget()
        ledger_form = QFormLayout(ledger_page)
        ledger_form.addRow("统计期间", self.period_combo)
        ledger_form.addRow("开始日期", self.start_edit)
        ledger_form.addRow("结束日期", self.end_edit)

        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(self.today.year)
        self.year_spin.setSuffix(" 年")
        self.quarter_combo = QComboBox()
        self.quarter_combo.addItems([f"第{n}季度" for n in range(1, 5)])
        self.quarter_combo.setCurrentIndex(quarter_of(self.today) - 1)
        archive_page = QWidget()
        archive_form = QFormLayout(archive_page)
        archive_form.addRow("年份", self.year_spin)
        archive_form.addRow("季度", self.quarter_combo)

        self.register_year_spin = QSpinBox()
        self.register_year_spin.setRange(2000, 2100)
        self.register_year_spin.setValue(self.today.year)
        self.register_year_spin.setSuffix(" 年")
        register_note = QLabel(
            "查阅、复制、摘录档案须经代办站负责人同意并登记。打印空白登记表，由查阅人和批准人手工填写、签字。"
        )
        register_note.setWordWrap(True)
        register_page = QWidget()
        register_form = QFormLayout(register_page)
        register_form.addRow("年度", self.register_year_spin)
        register_form.addRow(register_note)

        self.pages = QStackedWidget()
        self.pages.addWidget(ledger_page)
        self.pages.addWidget(archive_page)
        self.pages.addWidget(register_page)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.period_combo.currentIndexChanged.connect(self._on_period_changed)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%v / %m")
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.preview_button = QPushButton("预览/打印…")
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.preview)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(self.export)
        self.audit_button = QPushButton("查看审计记录…")
        self.audit_button.setToolTip("谁在何时导出了个人信息、查看了完整身份证号码")
        self.audit_button.clicked.connect(self.show_audit_log)
        close_button = QPushButton("关闭")
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.audit_button)
        buttons.addWidget(close_button)

        top = QFormLayout()
        top.addRow("打印内容", self.kind_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self._on_period_changed(THIS_MONTH)

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _on_kind_changed(self, kind: int) -> None:
        self.pages.setCurrentIndex(kind)
        self.export_button.setEnabled(kind != REGISTER)  # a blank form to write on: no Excel

    def _on_period_changed(self, choice: int) -> None:
        custom = choice == CUSTOM
        self.start_edit.setEnabled(custom)
        self.end_edit.setEnabled(custom)
        if not custom:
            start, end = period_range(choice, self.today)
            self.start_edit.setDate(_qdate(start))
            self.end_edit.setDate(_qdate(end))

    # ------------------------------------------------------------ what to make

    def period(self) -> tuple[date, date]:
        start, end = _pydate(self.start_edit.date()), _pydate(self.end_edit.date())
        if start > end:
            raise ValidationError("start", "开始日期不能晚于结束日期")
        return start, end

    def title(self) -> str:
        if self.kind_combo.currentIndex() == REGISTER:
            return f"档案查阅（复制）登记表 {self.register_year_spin.value()}年度"
        if self.kind_combo.currentIndex() == ARCHIVE:
            return f"档案移交清单 {self.year_spin.value()}年第{self.quarter_combo.currentIndex() + 1}季度"
        start, end = self.period()
        return f"代办台账 {start:%Y%m%d}-{end:%Y%m%d}"

    def _job(self, excel: bool) -> LedgerJob:
        source = self.source
        if self.kind_combo.currentIndex() == REGISTER:
            year = self.register_year_spin.value()
            return LedgerJob(
                lambda report: source.archive_register_pdf(year, report),
                lambda path, data: source.save_archive_register(path, data),
                lambda printer, pages: None,  # a blank form carries no personal data out
            )
        if self.kind_combo.currentIndex() == ARCHIVE:
            year, quarter = self.year_spin.value(), self.quarter_combo.currentIndex() + 1
            archive = source.archive_list_xlsx if excel else source.archive_list_pdf
            return LedgerJob(
                lambda report: archive(year, quarter, report),
                lambda path, data: source.save_archive_list(path, data, year, quarter, excel),
                lambda printer, pages: source.record_archive_list_print(year, quarter, printer, pages),
            )
        start, end = self.period()
        ledger = source.ledger_xlsx if excel else source.ledger_pdf
        return LedgerJob(
            lambda report: ledger(start, end, report),
            lambda path, data: source.save_ledger(path, data, start, end, excel),
            lambda printer, pages: source.record_ledger_print(start, end, printer, pages),
        )

    # ------------------------------------------------------------ actions

    def preview(self) -> None:
        try:
            job, title = self._job(excel=False), self.title()
        except ValidationError as exc:
            show_error(self, exc)
            return
        self._start("正在生成，请稍候…")
        run_task(job.render, lambda pdf: self._on_rendered(pdf, title, job), self._on_failed, self._on_progress)

    def export(self) -> None:
        try:
            job, title = self._job(excel=True), self.title()
        except ValidationError as exc:
            show_error(self, exc)
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出Excel", f"{safe_file_name(title)}.xlsx", XLSX_FILTER)
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        self._start("正在导出，请稍候…")
        save, render = job.save, job.render
        export = WriteOp(self, None, lambda report: save(path, render(report)))  # a file and an export record
        export.reporting(self._on_progress).success(self._on_exported).failure(self._on_failed).run_in_background()

    def show_audit_log(self) -> AuditLogDialog:
        """查看审计记录: the station's record of full 身份证 reads and exports."""
        dialog = AuditLogDialog(self.source.audit_log, self)
        self.audit_dialog = dialog
        dialog.open()
        return dialog

    def _start(self, message: str) -> None:
        self.preview_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText(message)

    def _finish(self, message: str) -> None:
        self.preview_button.setEnabled(True)
        self.export_button.setEnabled(self.kind_combo.currentIndex() != REGISTER)
        self.status_label.setText(message)

    def _on_progress(self, done: int, total: int) -> None:
        if self._closed:
            return
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(min(done, max(total, 1)))

    def _on_rendered(self, pdf: bytes, title: str, job: LedgerJob) -> None:
        if self._closed:
            return
        self._finish("")
        dialog = PrintPreviewDialog(pdf, title, self, saver=job.save, print_recorder=job.record_print)
        self.preview_dialog = dialog
        dialog.open()

    def _on_exported(self, path: str) -> None:
        if self._closed:
            return
        self._finish(f"已导出：{path}")
        self.exported.emit(path)

    def _on_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._finish("")
        show_error(self, exc, "未能生成")
