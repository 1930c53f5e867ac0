"""打印预览: shows a form's PDF, prints it (QPrinter) or saves it as a PDF file.

``python -m desktop.ui.print_preview FILE.pdf`` opens the dialog on a PDF file (for trying it out).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QStandardPaths, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .errors import show_error
from .ops import WriteOp


class CaseFormExports(Protocol):
    """Where a case's form saved or printed from the preview is recorded (both run on a worker thread)."""

    def save_case_pdf(self, case_id: str, title: str, path: str, data: bytes) -> str: ...
    def record_case_form_print(self, case_id: str, title: str, printer: str, pages: int) -> None: ...


ZOOM_STEP = 1.25
MIN_ZOOM = 0.25
MAX_ZOOM = 4.0
# Pages are rasterised for the printer; beyond 300 dpi a form gains nothing and a page costs >35 MB.
MAX_PRINT_DPI = 300


def safe_file_name(title: str) -> str:
    """``title`` usable as a file name on Windows and Linux alike."""
    cleaned = "".join("_" if c in '\\/:*?"<>|' or ord(c) < 32 else c for c in title).strip(" .")
    return cleaned or "表单"


def printer_label(printer: QPrinter) -> str:
    """The printer's name as the audit log shows it (a print to a PDF file names the file)."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return f"PDF文件 {Path(printer.outputFileName()).name}"
    return printer.printerName() or "默认打印机"


def write_pdf(path: str, data: bytes) -> str:
    """Write ``data`` to ``path`` (background thread); returns the path."""
    Path(path).write_bytes(data)
    return path


class PrintPreviewDialog(QDialog):
    """Preview of one printed form with 打印…, 另存为PDF… and zoom."""

    saved = Signal(str)  # path of the written PDF
    printed = Signal(int)  # number of pages sent to the printer

    def __init__(
        self,
        pdf_bytes: bytes,
        title: str,
        parent: QWidget | None = None,
        saver: Callable[[str, bytes], str] | None = None,
        print_recorder: Callable[[str, int], object] | None = None,
    ) -> None:
        """``saver(path, data)`` writes 另存为PDF on a worker (default: plain write); forms with personal
        data pass one that also records the export (``audit.save_export``), and a ``print_recorder(printer,
        pages)`` that records the pages sent to a printer (``audit.record_print``, run on a worker)."""
        super().__init__(parent)
        self.pdf_bytes = bytes(pdf_bytes)
        self.form_title = title
        self.saver = saver or write_pdf
        self.print_recorder = print_recorder
        self.setWindowTitle(f"打印预览 - {title}")
        self.resize(900, 1000)

        # The buffer must live as long as the document reads from it.
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(self.pdf_bytes))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.statusChanged.connect(self._on_status_changed)

        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)

        self.print_button = QPushButton("打印…")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton("另存为PDF…")
        self.save_button.clicked.connect(self.save_as)
        self.zoom_out_button = QPushButton("缩小")
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_in_button = QPushButton("放大")
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.fit_width_button = QPushButton("适合宽度")
        self.fit_width_button.clicked.connect(self.fit_width)
        self.whole_page_button = QPushButton("整页")
        self.whole_page_button.clicked.connect(self.fit_page)
        self.pages_label = QLabel("正在载入…")
        self.status_label = QLabel("")
        close_button = QPushButton("关闭")
        close_button.clicked.connect(self.reject)

        bar = QHBoxLayout()
        for button in (self.print_button, self.save_button):
            bar.addWidget(button)
        bar.addSpacing(16)
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_width_button, self.whole_page_button):
            bar.addWidget(button)
        bar.addSpacing(16)
        bar.addWidget(self.pages_label)
        bar.addStretch(1)
        bar.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status_label)

        self.document.load(self._buffer)
        self._on_status_changed(self.document.status())

    # ------------------------------------------------------------ document

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document.status() == QPdfDocument.Status.Ready else 0

    def _on_status_changed(self, status: QPdfDocument.Status) -> None:
        ready = status == QPdfDocument.Status.Ready
        for button in (self.print_button, self.save_button):
            # A PDF that cannot be shown can still be saved and opened elsewhere.
            button.setEnabled(ready or (status == QPdfDocument.Status.Error and button is self.save_button))
        if ready:
            self.pages_label.setText(f"共 {self.document.pageCount()} 页")
        elif status == QPdfDocument.Status.Error:
            self.pages_label.setText("无法显示")
            self.status_label.setText("这份表单无法预览；可以另存为PDF后用其他程序打开。")

    # ------------------------------------------------------------ zoom

    def zoom_in(self) -> None:
        self._set_zoom(self.view.zoomFactor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.view.zoomFactor() / ZOOM_STEP)

    def _set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(MAX_ZOOM, max(MIN_ZOOM, factor)))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    # ------------------------------------------------------------ save

    def save_as(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"{safe_file_name(self.form_title)}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "另存为PDF", suggested, "PDF 文件 (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.save_button.setEnabled(False)
        self.status_label.setText("正在保存…")
        data, saver = self.pdf_bytes, self.saver
        save = WriteOp(self, None, lambda: saver(path, data))  # a file and an export record: no case changed
        save.success(self.on_saved).failure(self.on_save_failed).run_in_background()

    def on_saved(self, path: str) -> None:
        self.save_button.setEnabled(True)
        self.status_label.setText(f"已保存：{path}")
        self.saved.emit(path)

    def on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.status_label.setText("保存失败")
        show_error(self, exc, title="另存为PDF失败")

    # ------------------------------------------------------------ print

    def new_printer(self) -> QPrinter:
        """A printer set up for this document (A4, orientation of its first page)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.form_title)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        first = self.document.pagePointSize(0)
        landscape = first.width() > first.height()
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
        # The PDF already has its margins (and the binding margin): print edge to edge.
        printer.setFullPage(True)
        return printer

    def print_document(self) -> None:
        if not self.page_count:
            return
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"打印 - {self.form_title}")
        dialog.setMinMax(1, self.page_count)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Render the chosen pages into ``printer``; returns the number of pages printed."""
        first, last = printer.fromPage(), printer.toPage()
        if first == 0 and last == 0:
            first, last = 1, self.page_count
        pages = range(max(first, 1) - 1, min(last, self.page_count))
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "打印失败", "无法连接打印机，请检查打印机是否已开机并连接，然后重试。")
            return 0
        try:
            for n, page in enumerate(pages):
                if n:
                    printer.newPage()
                self._draw_page(painter, printer, page)
        finally:
            painter.end()
        self.status_label.setText(f"已发送 {len(pages)} 页到打印机")
        self._record_print(printer_label(printer), len(pages))
        self.printed.emit(len(pages))
        return len(pages)

    def _record_print(self, printer: str, pages: int) -> None:
        recorder = self.print_recorder
        if recorder is None or not pages:
            return

        def failed(exc: BaseException) -> None:
            show_error(self, exc, title="打印记录未能保存")

        WriteOp(self, None, lambda: recorder(printer, pages)).failure(failed).run_in_background()

    def _draw_page(self, painter: QPainter, printer: QPrinter, page: int) -> None:
        draw_pdf_page(painter, printer, self.document, page)


def draw_pdf_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int) -> None:
    """Draw ``page`` of ``document`` into the printer's page, fitted and centred, at most MAX_PRINT_DPI."""
    area = painter.viewport()
    points = document.pagePointSize(page)
    if points.width() <= 0 or points.height() <= 0:
        return
    # Fit the page into the printable area, keeping its proportions.
    scale = min(area.width() / points.width(), area.height() / points.height())
    target = QRect(0, 0, round(points.width() * scale), round(points.height() * scale))
    target.moveCenter(area.center())
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
    image = document.render(page, size)
    painter.drawImage(target, image)


def case_form_preview(
    parent: QWidget, facade: CaseFormExports, case_id: str, title: str, pdf: bytes
) -> PrintPreviewDialog:
    """The preview of one case's form: saving and printing it are recorded in that case's history."""
    return PrintPreviewDialog(
        pdf,
        title,
        parent,
        saver=lambda path, data: facade.save_case_pdf(case_id, title, path, data),
        print_recorder=lambda printer, pages: facade.record_case_form_print(case_id, title, printer, pages),
    )


def main(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication(argv)
    data = Path(argv[1]).read_bytes()
    dialog = PrintPreviewDialog(data, Path(argv[1]).stem)
    dialog.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
