"""下一步: opened right after a new case is saved, while the villager is still at the table.

One place for what the case needs now (``services.next_steps``): the prints for the villager, all
sent to the printer with one print dialog, and the handover of the materials just received —
recorded on the 委托书's signatures with one click when the law allows it, else opened pre-filled
for both to sign once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.next_steps import NextSteps
from desktop.services.casework.records import CaseDetail, Changed, HandoverDraft, HandoverInput, SignedContent
from desktop.services.printing.support import PrintableForm
from sync.domain.clock import Clock
from sync.domain.custody import CLERK, VILLAGER

from .action_form import error_label, never_default
from .errors import user_message
from .handover_dialog import HandoverDialog
from .ops import Hub, ReadOp, WriteOp
from .print_preview import CaseFormExports, case_form_preview, draw_pdf_page, printer_label
from .tasks import run_task

DONE_STYLE = "color: #2e7d32; font-weight: bold;"
HINT_STYLE = "color: #4b5563;"


class NextStepsServices(Hub, CaseFormExports, Protocol):
    """What 下一步 needs (the facade has it): the case's next steps and forms, read on a worker thread, the
    intake handover, and where a form printed or saved is recorded."""

    @property
    def clock(self) -> Clock: ...
    def next_steps(self, case_id: str) -> NextSteps: ...
    def case_detail(self, case_id: str) -> CaseDetail: ...
    def clerk_name(self) -> str: ...
    def form_pdf(self, case_id: str, key: str, event_id: str | None = None) -> bytes: ...
    def record_covered_intake(self, case_id: str) -> Changed: ...
    def prepare_handover(self, case_id: str, draft: HandoverDraft) -> SignedContent: ...
    def record_handover(self, case_id: str, handover: HandoverInput) -> Changed: ...


def ask_printer(parent: QWidget, printer: QPrinter, title: str) -> bool:
    """The system print dialog (printer, copies); True when the clerk pressed 打印."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    return dialog.exec() == QDialog.DialogCode.Accepted


def print_pdfs(printer: QPrinter, pdfs: list[bytes]) -> list[int]:
    """Every page of every PDF into one print job; the number of pages of each (0 when unreadable)."""
    painter = QPainter()
    if not painter.begin(printer):
        return []
    counts: list[int] = []
    first = True
    try:
        for data in pdfs:
            buffer = QBuffer()
            buffer.setData(QByteArray(data))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            document = QPdfDocument()
            document.load(buffer)
            pages = document.pageCount() if document.status() == QPdfDocument.Status.Ready else 0
            for page in range(pages):
                if not first:
                    printer.newPage()
                first = False
                draw_pdf_page(painter, printer, document, page)
            counts.append(pages)
    finally:
        painter.end()
    return counts


class NextStepsDialog(QDialog):
    """下一步 for one new case; recording the handover announces its change through ``WriteOp``."""

    def __init__(
        self,
        facade: NextStepsServices,
        case_id: str,
        parent: QWidget | None = None,
        *,
        choose_printer: Callable[[QWidget, QPrinter, str], bool] = ask_printer,
    ) -> None:
        super().__init__(parent)
        self.facade = facade
        self.case_id = case_id
        self.choose_printer = choose_printer
        self.steps: NextSteps | None = None
        self.handover_dialog: HandoverDialog | None = None
        self.preview: QDialog | None = None
        self.setWindowTitle("下一步")
        self.setMinimumWidth(640)

        self.head_label = QLabel("正在载入…")
        self.head_label.setWordWrap(True)
        self.head_label.setStyleSheet("font-size: 15px; font-weight: bold;")

        self.print_box = QGroupBox("打印给申请人")
        print_layout = QVBoxLayout(self.print_box)
        self.print_rows = QVBoxLayout()
        self.print_checks: dict[str, QCheckBox] = {}
        self.print_button = QPushButton("打印所选表单…")
        self.print_button.clicked.connect(self.print_selected)
        self.print_status = QLabel("")
        self.print_status.setWordWrap(True)
        print_layout.addLayout(self.print_rows)
        button_row = QHBoxLayout()
        button_row.addWidget(self.print_button)
        button_row.addWidget(self.print_status, 1)
        print_layout.addLayout(button_row)

        self.handover_box = QGroupBox("材料交接（申请人 → 代办员）")
        handover_layout = QVBoxLayout(self.handover_box)
        self.items_label = QLabel("")  # one short line per material: no wrapping (its height stays exact)
        self.handover_hint = QLabel("")
        self.handover_hint.setWordWrap(True)
        self.handover_hint.setStyleSheet(HINT_STYLE)
        self.handover_button = QPushButton("确认交接")
        self.handover_button.clicked.connect(self.record_handover)
        self.handover_status = QLabel("")
        self.handover_status.setWordWrap(True)
        handover_layout.addWidget(self.items_label)
        handover_layout.addWidget(self.handover_hint)
        row = QHBoxLayout()
        row.addWidget(self.handover_button)
        row.addWidget(self.handover_status, 1)
        handover_layout.addLayout(row)

        self.error_label = error_label()
        self.done_button = QPushButton("完成")
        never_default(self.done_button)
        self.done_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.done_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.head_label)
        layout.addWidget(self.handover_box)
        layout.addWidget(self.print_box)
        layout.addWidget(self.error_label)
        layout.addLayout(bottom)
        self.reload()

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        """A newer reload (after a handover was recorded) supersedes an older one still running."""
        facade, case_id = self.facade, self.case_id
        load = ReadOp(self, "next_steps", lambda: facade.next_steps(case_id), self.show_steps)
        load.failure(self._on_failed).run_in_background()

    def show_steps(self, steps: NextSteps) -> None:
        if self.steps is None and not (steps.prints or steps.intake or steps.intake_note):
            self.accept()  # a 咨询 case: nothing to print or hand over now
            return
        self.steps = steps
        self.setWindowTitle(f"下一步 — {steps.case_no}")
        self.head_label.setText(f"已登记办件 {steps.case_no}（{steps.state_label}）。请趁{steps.applicant}在场完成：")
        self._show_prints(steps.prints)
        self._show_handover(steps)
        # The lists arrived after the dialog was laid out empty: fit it once the new rows have their sizes.
        # With the dialog as the timer's context: a dialog closed and deleted before the timer fires (a test's
        # window torn down, a quick 关闭) drops the call instead of raising on a deleted object.
        QTimer.singleShot(0, self, self.adjustSize)

    def _show_prints(self, prints: tuple[PrintableForm, ...]) -> None:
        old = {key: box.isChecked() for key, box in self.print_checks.items()}
        _clear(self.print_rows)
        self.print_checks = {}
        for form in prints:
            key = _key(form)
            box = QCheckBox(form.title)
            box.setChecked(old.get(key, True))
            preview = QPushButton("预览")
            never_default(preview)
            preview.clicked.connect(lambda _c=False, f=form: self.open_preview(f))
            row = QHBoxLayout()
            row.addWidget(box, 1)
            row.addWidget(preview)
            self.print_rows.addLayout(row)
            self.print_checks[key] = box
        self.print_box.setVisible(bool(prints))
        self._set_default()

    def _show_handover(self, steps: NextSteps) -> None:
        items = "\n".join(
            f"{n}. {i.name}　{'原件' if i.original else '复印件'} {i.copies} 份" for n, i in enumerate(steps.intake, 1)
        )
        self.items_label.setText(f"交接材料（按登记预填）：\n{items}" if items else steps.intake_note)
        self.handover_box.setVisible(bool(items) or bool(steps.intake_note))
        if steps.intake_recorded:
            self.handover_button.hide()
            self.handover_hint.setText("")
            self.handover_status.setText("✔ 材料交接已记录")
            self.handover_status.setStyleSheet(DONE_STYLE)
        elif not items:
            self.handover_button.hide()
            self.handover_hint.setText("")
        elif steps.intake_covered:
            self.handover_button.setText("确认交接（以委托书签名为凭）")
            self.handover_hint.setText(
                "申请人和代办员刚在《代办服务委托书》上签名，委托书逐项列明了以上材料（原件/复印件、份数），"
                "这两个签名即为本次交接的凭证，无需再次签名。"
            )
        else:
            self.handover_button.setText("材料交接（双方签名）…")
            self.handover_hint.setText("委托书未在本机签名，交接清单已按登记预填，请双方签名一次。")
        self._set_default()

    def _set_default(self) -> None:
        """Enter does the next thing to do: the handover first, then the prints."""
        handover_open = self.steps is not None and bool(self.steps.intake) and not self.steps.intake_recorded
        self.handover_button.setDefault(bool(handover_open))
        self.print_button.setDefault(not handover_open)

    # ------------------------------------------------------------ handover

    def record_handover(self) -> None:
        steps = self.steps
        if steps is None or steps.intake_recorded:
            return
        if steps.intake_covered:
            self.handover_button.setEnabled(False)
            facade, case_id = self.facade, self.case_id
            record = WriteOp(self, facade, lambda: facade.record_covered_intake(case_id))
            record.success(self._on_recorded).failure(self._on_failed).run_in_background()
            return
        facade, case_id = self.facade, self.case_id
        run_task(lambda: facade.case_detail(case_id), self._open_handover, self._on_failed)

    def _open_handover(self, detail: CaseDetail) -> None:
        facade, case_id = self.facade, self.case_id
        dialog = HandoverDialog(
            detail,
            facade.clerk_name(),
            lambda draft: facade.prepare_handover(case_id, draft),
            lambda handover: facade.record_handover(case_id, handover),
            VILLAGER,
            CLERK,
            "材料交接",
            self,
            clock=facade.clock,
            hub=facade,
        )
        dialog.saved.connect(self._on_recorded)
        self.handover_dialog = dialog
        dialog.open()

    def _on_recorded(self, changed: Changed) -> None:
        self.handover_button.setEnabled(True)
        self.reload()

    # ------------------------------------------------------------ prints

    def selected_prints(self) -> list[PrintableForm]:
        if self.steps is None:
            return []
        return [f for f in self.steps.prints if self.print_checks[_key(f)].isChecked()]

    def print_selected(self) -> None:
        """Render the ticked forms (off the GUI thread), then one print dialog for all of them."""
        forms = self.selected_prints()
        if not forms:
            self._show_error("请勾选要打印的表单")
            return
        self._show_error("")
        self.print_button.setEnabled(False)
        facade, case_id = self.facade, self.case_id
        run_task(
            lambda: [facade.form_pdf(case_id, f.key, f.event_id) for f in forms],
            lambda pdfs: self._print(forms, pdfs),
            self._on_failed,
        )

    def _print(self, forms: list[PrintableForm], pdfs: list[bytes]) -> None:
        self.print_button.setEnabled(True)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"{self.steps.case_no if self.steps else ''} 申请人留存表单")
        printer.setFullPage(True)  # the PDFs carry their own margins
        if not self.choose_printer(self, printer, f"打印 — {len(forms)}份表单"):
            return
        counts = print_pdfs(printer, pdfs)
        if not counts:
            QMessageBox.warning(self, "打印失败", "无法连接打印机，请检查打印机是否已开机并连接，然后重试。")
            return
        self.print_status.setText(f"已发送 {len(forms)} 份表单、共 {sum(counts)} 页到打印机")
        self.print_status.setStyleSheet(DONE_STYLE)
        label, facade, case_id = printer_label(printer), self.facade, self.case_id

        def record() -> None:
            for form, pages in zip(forms, counts, strict=True):
                if pages:
                    facade.record_case_form_print(case_id, form.title, label, pages)

        WriteOp(self, facade, record).failure(self._on_failed).run_in_background()  # an export record: no case changed

    def open_preview(self, form: PrintableForm) -> None:
        facade, case_id = self.facade, self.case_id
        run_task(
            lambda: facade.form_pdf(case_id, form.key, form.event_id),
            lambda pdf: self._show_preview(form, pdf),
            self._on_failed,
        )

    def _show_preview(self, form: PrintableForm, pdf: bytes) -> None:
        self.preview = case_form_preview(self, self.facade, self.case_id, form.title, pdf)
        self.preview.open()

    # ------------------------------------------------------------ errors

    def _on_failed(self, exc: BaseException) -> None:
        self.handover_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self._show_error(user_message(exc))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))


def _key(form: PrintableForm) -> str:
    return f"{form.key}:{form.event_id or ''}"


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.deleteLater()
        elif inner is not None:
            _clear(inner)
