"""代办站设置 → 身份证读卡器: the reader service's address, and a test read that shows what the card says."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.services.casework.id_reader import DEFAULT_URL, CardData

from .errors import user_message
from .ops import WriteOp
from .tasks import run_task


class IdReaderPage(QWidget):
    """Shows and keeps the address; 测试读卡 reads a card there (all calls off the GUI thread)."""

    #: A message for the settings dialog's status line.
    reader_changed = Signal(str)

    def __init__(
        self,
        load: Callable[[], str],
        save: Callable[[str], str],
        read: Callable[[], CardData],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save, self._read = save, read
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(DEFAULT_URL)
        self.save_button = QPushButton("保存地址")
        self.save_button.clicked.connect(self.save)
        self.test_button = QPushButton("测试读卡")
        self.test_button.clicked.connect(self.test_read)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        hint = QLabel(
            "支持中控智慧 ZKIDROnline 本地读卡服务（默认端口 24010）。请先安装读卡器厂商的服务程序；"
            "未接读卡器时仍可在新建委托中手工输入。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4b5563;")
        form = QFormLayout()
        form.addRow("读卡服务地址", self.url_edit)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.test_button)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        layout.addStretch()
        run_task(load, self.url_edit.setText, self._show_failure)

    def save(self) -> None:
        url = self.url_edit.text()
        save = self._save
        WriteOp(self, None, lambda: save(url)).success(self._on_saved).failure(self._show_failure).run_in_background()

    def _on_saved(self, url: str) -> None:
        self.url_edit.setText(url)
        self.result_label.setText("读卡器地址已保存")
        self.reader_changed.emit("身份证读卡器地址已保存")

    def test_read(self) -> None:
        self.test_button.setEnabled(False)
        self.result_label.setText("正在读卡…")
        run_task(self._read, self._on_read, self._on_read_failed)

    def _on_read(self, card: CardData) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(f"读卡成功：{card.name}，身份证号码末四位 {card.id_number[-4:]}")

    def _on_read_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self._show_failure(exc)

    def _show_failure(self, exc: BaseException) -> None:
        self.result_label.setText(user_message(exc))
