"""材料交接: the items moving between two holders, signed by both sides.

The content is prepared by ``prepare_handover`` (validated, hashed) before the
first signature; both signatures bind to that hash. Changing anything after
signing drops the signatures: the content they covered no longer exists.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import (
    CaseDetail,
    Changed,
    HandoverDraft,
    HandoverInput,
    HandoverItemDraft,
    SignedContent,
)
from sync.domain.clock import SYSTEM_CLOCK, Clock
from sync.domain.custody import CLERK, DEPARTMENT, HOLDER_LABELS, VILLAGER, WINDOW
from sync.domain.errors import DomainError
from sync.domain.signature import APPLICANT, WINDOW_STAFF
from sync.domain.signature import CLERK as CLERK_ROLE

from .action_form import error_label, ok_cancel
from .errors import show_error, user_message
from .guarded_dialog import GuardedDialog
from .ops import Hub, WriteOp
from .rare_char_dialog import attach_to
from .signature_dialog import CapturedSignature, SignatureDialog
from .table_cells import filled_item
from .tasks import run_task

ROLES = {VILLAGER: APPLICANT, CLERK: CLERK_ROLE, WINDOW: WINDOW_STAFF, DEPARTMENT: "部门经办人"}
HEADERS = ("交接", "材料名称", "原件/复印件", "份数", "页数")
SIDES = ("from", "to")


class HandoverDialog(GuardedDialog):
    """``save(HandoverInput)`` runs in the background (record_handover, or deliver with the handover).

    Closing it after something was entered or signed asks first (``GuardedDialog``).
    """

    saved = Signal(object)  # Changed

    def __init__(
        self,
        detail: CaseDetail,
        clerk_name: str,
        prepare: Callable[[HandoverDraft], SignedContent],
        save: Callable[[HandoverInput], Changed],
        from_holder: str = VILLAGER,
        to_holder: str = CLERK,
        title: str = "材料交接",
        parent: QWidget | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        hub: Hub | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock  # the station's: stamps the signatures
        self.hub = hub  # told what the saved handover changed (``WriteOp``)
        self.setWindowTitle(f"{title} — {detail.view.case_no}")
        self.resize(760, 560)
        self.detail = detail
        self._prepare, self._save = prepare, save
        self._names = {VILLAGER: detail.view.applicant.name, CLERK: clerk_name, WINDOW: "", DEPARTMENT: ""}
        self.signed: SignedContent | None = None
        self.signatures: dict[str, CapturedSignature] = {}
        self.signature_dialog: SignatureDialog | None = None

        self.from_combo, self.to_combo = QComboBox(), QComboBox()
        for combo, holder in ((self.from_combo, from_holder), (self.to_combo, to_holder)):
            for key, label in HOLDER_LABELS.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(combo.findData(holder))
        self.from_name, self.to_name = QLineEdit(), QLineEdit()
        for edit in (self.from_name, self.to_name):
            edit.setPlaceholderText("签名人姓名")
        route = QHBoxLayout()
        route.addWidget(QLabel("交出方"))
        route.addWidget(self.from_combo)
        route.addWidget(attach_to(self.from_name))
        route.addSpacing(16)
        route.addWidget(QLabel("→ 接收方"))
        route.addWidget(self.to_combo)
        route.addWidget(attach_to(self.to_name))

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for m in detail.view.materials:
            self._add_item(m.name, m.original, m.copies)
        add_button = QPushButton("添加其他材料")
        add_button.clicked.connect(lambda: self._add_item("", True, 1))
        items_box = QGroupBox("交接材料（勾选本次交接的材料）")
        items_layout = QVBoxLayout(items_box)
        items_layout.addWidget(self.table)
        items_layout.addWidget(add_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.sign_buttons = {side: QPushButton() for side in SIDES}
        self.sign_labels = {side: QLabel() for side in SIDES}
        signs = QFormLayout()
        for side in SIDES:
            self.sign_buttons[side].clicked.connect(lambda _c=False, s=side: self.sign(s))
            row = QHBoxLayout()
            row.addWidget(self.sign_buttons[side])
            row.addWidget(self.sign_labels[side], 1)
            signs.addRow(row)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("备注（可不填）")
        self.error_label = error_label()
        self.buttons, self.save_button = ok_cancel(self, "确认交接", self.submit)

        layout = QVBoxLayout(self)
        layout.addLayout(route)
        layout.addWidget(items_box, 1)
        layout.addWidget(self.note_edit)
        layout.addLayout(signs)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._holders_changed()
        for combo in (self.from_combo, self.to_combo):
            combo.currentIndexChanged.connect(lambda _i: self._holders_changed())
        for edit in (self.from_name, self.to_name, self.note_edit):
            edit.textEdited.connect(lambda _t: self._content_changed())
        self.table.itemChanged.connect(lambda _item: self._content_changed())

    def entered(self) -> object:
        return self.draft(), self.from_name.text(), self.to_name.text(), tuple(self.signatures)

    # --- items ---
    def _add_item(self, name: str, original: bool, copies: int) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Unchecked)
        self.table.setItem(row, 0, check)
        self.table.setItem(row, 1, QTableWidgetItem(name))
        form = QComboBox()
        form.addItems(["原件", "复印件"])
        form.setCurrentIndex(0 if original else 1)
        form.currentIndexChanged.connect(lambda _i: self._content_changed())
        self.table.setCellWidget(row, 2, form)
        for column, (low, value) in ((3, (1, copies)), (4, (0, 0))):
            spin = QSpinBox()
            spin.setRange(low, 9999)
            spin.setValue(value)
            spin.valueChanged.connect(lambda _v: self._content_changed())
            self.table.setCellWidget(row, column, spin)

    def _widget(self, row: int, column: int) -> QWidget:
        widget = self.table.cellWidget(row, column)
        assert widget is not None
        return widget

    def set_checked(self, name: str, checked: bool = True) -> None:
        for row in range(self.table.rowCount()):
            if filled_item(self.table, row, 1).text() == name:
                filled_item(self.table, row, 0).setCheckState(
                    Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                )

    def _default_checks(self) -> None:
        """Tick what the giver holds: originals by custody (not those the town keeps); copies leave the
        villager once, with the clerk."""
        giver = str(self.from_combo.currentData())
        holders = {line.material: line.holder for line in self.detail.custody}
        # originals the town keeps (留存, on the center's word) stay at the window: not ticked to come back
        kept = {line.material for line in self.detail.custody if line.holder == WINDOW and line.settled}
        present = {m.name for m in self.detail.view.materials if m.present}
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            name = filled_item(self.table, row, 1).text()
            form = self._widget(row, 2)
            assert isinstance(form, QComboBox)
            if form.currentIndex() == 0:
                checked = (
                    holders.get(name, VILLAGER) == giver and (giver != VILLAGER or name in present) and name not in kept
                )
            else:
                checked = name in present and giver in (VILLAGER, CLERK)
            filled_item(self.table, row, 0).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.table.blockSignals(False)

    def draft(self) -> HandoverDraft:
        items = []
        for row in range(self.table.rowCount()):
            if filled_item(self.table, row, 0).checkState() != Qt.CheckState.Checked:
                continue
            form, copies, pages = (self._widget(row, c) for c in (2, 3, 4))
            assert isinstance(form, QComboBox) and isinstance(copies, QSpinBox) and isinstance(pages, QSpinBox)
            name = filled_item(self.table, row, 1).text()
            items.append(HandoverItemDraft(name.strip(), form.currentIndex() == 0, copies.value(), pages.value()))
        return HandoverDraft(
            str(self.from_combo.currentData()), str(self.to_combo.currentData()), tuple(items), self.note_edit.text()
        )

    # --- signatures ---
    def _holders_changed(self) -> None:
        for side, combo, edit in (("from", self.from_combo, self.from_name), ("to", self.to_combo, self.to_name)):
            edit.setText(self._names.get(str(combo.currentData()), ""))
            self.sign_buttons[side].setText(f"{'交出方' if side == 'from' else '接收方'}（{combo.currentText()}）签名")
        self._default_checks()
        self._content_changed()

    def _content_changed(self) -> None:
        had = bool(self.signatures)
        self.signed = None
        self.signatures.clear()
        for side in SIDES:
            self.sign_labels[side].setText("未签名")
            self.sign_labels[side].setStyleSheet("color: #8a6d00;")
        self._show_error("交接内容已更改，请双方重新签名。" if had else "")
        self.save_button.setEnabled(False)

    def _signer(self, side: str) -> tuple[str, str]:
        combo, edit = (self.from_combo, self.from_name) if side == "from" else (self.to_combo, self.to_name)
        return edit.text().strip(), ROLES[str(combo.currentData())]

    def sign(self, side: str) -> None:
        """Fix the content (prepare_handover, in the background), then ask ``side`` to sign it."""
        name, _role = self._signer(side)
        if not name:
            self._show_error(f"请填写{'交出方' if side == 'from' else '接收方'}签名人的姓名")
            (self.from_name if side == "from" else self.to_name).setFocus()
            return
        self._show_error("")
        if self.signed is not None:
            self._open_signature(side)
            return
        draft = self.draft()
        prepare = self._prepare
        run_task(lambda: prepare(draft), lambda signed: self._on_prepared(side, signed), self._on_failed)

    def _on_prepared(self, side: str, signed: SignedContent) -> None:
        self.signed = signed
        self._open_signature(side)

    def _open_signature(self, side: str) -> None:
        name, role = self._signer(side)
        dialog = SignatureDialog(name, role, self, wall_clock=self.clock)
        dialog.setWindowTitle(f"材料交接签名 — {name}（{role}）")
        dialog.captured_confirmed.connect(lambda captured: self.set_signature(side, captured))
        self.signature_dialog = dialog
        dialog.open()

    def set_signature(self, side: str, captured: CapturedSignature) -> None:
        if self.signed is None:
            return
        self.signatures[side] = captured
        how = "（纸质签名照片）" if captured.is_scan else ""
        self.sign_labels[side].setText(f"✔ {captured.signature.signer} 已签名{how}")
        self.sign_labels[side].setStyleSheet("color: #2e7d32; font-weight: bold;")
        self.save_button.setEnabled(len(self.signatures) == len(SIDES))

    # --- saving ---
    def handover_input(self) -> HandoverInput:
        if self.signed is None or len(self.signatures) != len(SIDES):
            raise DomainError("请交出方和接收方都签名后再确认交接")
        content = self.signed.content_sha256
        sigs = tuple(self.signatures[side].signature_input(content) for side in SIDES)
        return HandoverInput(self.draft(), sigs)

    def submit(self) -> None:
        try:
            data = self.handover_input()
        except DomainError as exc:
            self._show_error(user_message(exc))
            return
        self.save_button.setEnabled(False)
        save = self._save
        WriteOp(self, self.hub, lambda: save(data)).success(self._on_saved).failure(self._on_failed).run_in_background()

    def _on_saved(self, changed: Changed) -> None:
        self.saved.emit(changed)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(len(self.signatures) == len(SIDES))
        if isinstance(exc, DomainError):
            self._show_error(user_message(exc))
        else:
            show_error(self, exc)
        if self.save_button.isEnabled():
            self.save_button.setFocus()  # not 取消, where disabling it had moved the focus

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
