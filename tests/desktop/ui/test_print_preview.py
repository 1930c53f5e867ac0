"""打印预览: shows the form, saves the exact bytes, prints every page, reports errors in Chinese."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtGui import QPageLayout
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.ui import print_preview
from desktop.ui.print_preview import PrintPreviewDialog, safe_file_name
from forms import demo, extension, ledger


@pytest.fixture(scope="module")
def two_pages() -> bytes:
    return extension.render(demo.extension())


def open_dialog(qtbot: QtBot, pdf: bytes, title: str = "延期办理告知书") -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(pdf, title)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.page_count > 0, timeout=5000)
    return dialog


def test_opens_with_page_count(qtbot: QtBot, two_pages: bytes) -> None:
    dialog = open_dialog(qtbot, two_pages)
    assert dialog.page_count == 2
    assert dialog.pages_label.text() == "共 2 页"
    assert dialog.windowTitle() == "打印预览 - 延期办理告知书"
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()


def test_zoom_buttons(qtbot: QtBot, two_pages: bytes) -> None:
    dialog = open_dialog(qtbot, two_pages)
    dialog.view.setZoomFactor(1.0)
    dialog.zoom_in_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(1.25)
    dialog.zoom_out_button.click()
    dialog.zoom_out_button.click()
    assert dialog.view.zoomFactor() == pytest.approx(0.8)
    for _ in range(20):
        dialog.zoom_out_button.click()
    assert dialog.view.zoomFactor() == pytest.approx(print_preview.MIN_ZOOM)
    dialog.fit_width_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    dialog.whole_page_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView


def test_save_as_writes_the_exact_bytes(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "延期办理告知书"
    asked: list[str] = []

    def fake_save(parent: Any, caption: str, directory: str, filter: str) -> tuple[str, str]:
        asked.append(directory)
        return str(target), filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    dialog = open_dialog(qtbot, two_pages)
    with qtbot.waitSignal(dialog.saved, timeout=5000) as blocker:
        dialog.save_button.click()
    written = tmp_path / "延期办理告知书.pdf"  # .pdf added
    assert blocker.args == [str(written)]
    assert written.read_bytes() == two_pages
    assert asked[0].endswith("延期办理告知书.pdf")
    assert "已保存" in dialog.status_label.text()


def test_save_cancelled_writes_nothing(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    dialog = open_dialog(qtbot, two_pages)
    dialog.save_button.click()
    assert dialog.save_button.isEnabled()
    assert list(tmp_path.iterdir()) == []


def test_save_failure_shows_a_chinese_message(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "没有这个文件夹" / "表单.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(bad), "")))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: shown.append((title, text)))
    )
    dialog = open_dialog(qtbot, two_pages)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    title, text = shown[0]
    assert title == "另存为PDF失败"
    assert text.startswith("读写文件失败")
    assert dialog.save_button.isEnabled()
    assert dialog.status_label.text() == "保存失败"


def test_print_renders_every_page(qtbot: QtBot, two_pages: bytes, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, two_pages)
    printer = dialog.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(dialog.printed) as blocker:
        assert dialog.print_to(printer) == 2
    assert blocker.args == [2]
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 2
    assert len(reader.pages[0].images) == 1  # each page is the rendered form


def test_a_print_is_recorded_with_its_printer_and_pages(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded: list[tuple[str, int]] = []
    dialog = PrintPreviewDialog(two_pages, "延期办理告知书", print_recorder=lambda p, n: recorded.append((p, n)))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.page_count > 0, timeout=5000)
    printer = dialog.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setFromTo(2, 2)
    dialog.print_to(printer)
    qtbot.waitUntil(lambda: recorded == [("PDF文件 printed.pdf", 1)], timeout=5000)
    # A record that cannot be written is said in Chinese; the pages are already on paper.
    errors: list[str] = []
    monkeypatch.setattr(print_preview, "show_error", lambda parent, exc, title="": errors.append(f"{title}:{exc}"))

    def refuse(printer: str, pages: int) -> None:
        raise OSError("磁盘已满")

    dialog.print_recorder = refuse
    assert dialog.print_to(printer) == 1
    qtbot.waitUntil(lambda: errors == ["打印记录未能保存:磁盘已满"], timeout=5000)
    assert dialog.status_label.text() == "已发送 1 页到打印机"


def test_print_dialog_cancel_and_accept(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, two_pages)
    out = tmp_path / "printed.pdf"
    make = dialog.new_printer

    def pdf_printer() -> QPrinter:
        printer = make()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    monkeypatch.setattr(dialog, "new_printer", pdf_printer)
    result = {"code": QDialog.DialogCode.Rejected}
    monkeypatch.setattr(print_preview.QPrintDialog, "exec", lambda self: result["code"])
    dialog.print_button.click()
    assert not out.exists()
    result["code"] = QDialog.DialogCode.Accepted
    with qtbot.waitSignal(dialog.printed):
        dialog.print_button.click()
    assert out.exists()


def test_landscape_ledger_prints_landscape(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, ledger.render(demo.ledger()), "代办台账")
    assert dialog.new_printer().pageLayout().orientation() == QPageLayout.Orientation.Landscape


def test_broken_pdf_can_still_be_saved(qtbot: QtBot) -> None:
    dialog = PrintPreviewDialog(b"not a pdf", "坏文件")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pages_label.text() == "无法显示", timeout=5000)
    assert not dialog.print_button.isEnabled()
    assert dialog.save_button.isEnabled()


def test_safe_file_name() -> None:
    assert safe_file_name('材料交接单/签收单: "张三"') == "材料交接单_签收单_ _张三_"
    assert safe_file_name("...") == "表单"


def test_printer_that_cannot_start_shows_a_chinese_message(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: shown.append((title, text)))
    )
    dialog = open_dialog(qtbot, two_pages)
    printer = dialog.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "没有这个文件夹" / "printed.pdf"))
    assert dialog.print_to(printer) == 0
    assert shown and shown[0][0] == "打印失败" and "打印机" in shown[0][1]


def test_page_range_from_the_print_dialog(qtbot: QtBot, two_pages: bytes, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, two_pages)
    printer = dialog.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "second.pdf"
    printer.setOutputFileName(str(out))
    printer.setFromTo(2, 2)
    assert dialog.print_to(printer) == 1
    assert len(pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages) == 1
