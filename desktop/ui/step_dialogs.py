"""中止 and 续办: the reason, and the villager's confirmation of it.

The villager signs what was typed (the 中止单's reason and what restarts it, the 续办委托书's reason) on the
pad or with a photo of a paper signature (``SignatureDialog``), or the clerk ticks 签在纸上 and he signs the
printed form. Changing the text after he signed asks for his signature again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from desktop.services.casework.records import CaseDetail, Changed, SignedContent, StepConfirmation
from sync.domain.clock import Clock
from sync.domain.step_signing import FORMS

from .action_form import ActionDialog
from .ops import Hub
from .signature_dialog import CapturedSignature, SignatureDialog, ask_applicant_signature, show_signed
from .tasks import run_task

ON_PAPER_TEXT = "签在纸上（打印后由申请人在纸上签字）"


class StepServices(Hub, Protocol):
    """What 中止 and 续办 need (the facade has it): the text fixed for signing, the write, and the clock
    that stamps the signature."""

    @property
    def clock(self) -> Clock: ...
    def prepare_step(self, case_id: str, action: str, reason: str, restart_condition: str = "") -> SignedContent: ...
    def suspend(self, case_id: str, reason: str, restart_condition: str, confirmation: StepConfirmation) -> Changed: ...
    def resume(self, case_id: str, reason: str, confirmation: StepConfirmation) -> Changed: ...


def _text_box(placeholder: str, height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    return box


class SignedStepDialog(ActionDialog):
    """A step the villager confirms: subclasses add their text rows and call ``add_signature_row``."""

    action = ""

    def __init__(
        self, title: str, intro: str, facade: StepServices, detail: CaseDetail, parent: QWidget | None
    ) -> None:
        super().__init__(title, intro, parent, title, hub=facade)
        self.facade, self.case_id, self.signer = facade, detail.view.case_id, detail.view.applicant.name
        self.signed: SignedContent | None = None
        self.signature: CapturedSignature | None = None
        self.signature_dialog: SignatureDialog | None = None

    def add_signature_row(self) -> None:
        self.sign_button = QPushButton(f"请 {self.signer} 签名")
        self.sign_button.clicked.connect(self.sign)
        self.sign_label = QLabel()
        self.paper_box = QCheckBox(ON_PAPER_TEXT)
        self.paper_box.toggled.connect(self._paper_toggled)
        row = QHBoxLayout()
        row.addWidget(self.sign_button)
        row.addWidget(self.sign_label, 1)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.row("申请人签名", holder, "signatures")
        self.row("", self.paper_box)
        self._show_unsigned()

    def texts(self) -> tuple[str, str]:
        """(reason, restart condition) as typed."""
        raise NotImplementedError

    def content_changed(self) -> None:
        """The text changed: a signature given over the old text no longer holds."""
        had = self.signature is not None
        self.signed, self.signature = None, None
        self._show_unsigned()
        if had:
            self.show_error("内容已更改，请申请人重新签名。")

    def _show_unsigned(self) -> None:
        self.sign_label.setText("签在纸上" if self.paper_box.isChecked() else "未签名")
        self.sign_label.setStyleSheet("color: #8a6d00;")

    def _paper_toggled(self, on: bool) -> None:
        self.sign_button.setEnabled(not on)
        if on:
            self.signed, self.signature = None, None
        self._show_unsigned()

    def sign(self) -> None:
        """Check the text (``prepare_step``), then ask the villager to sign it."""
        self.show_error("")
        reason, restart = self.texts()
        facade, case_id, action = self.facade, self.case_id, self.action
        run_task(lambda: facade.prepare_step(case_id, action, reason, restart), self._on_prepared, self._on_failed)

    def _on_prepared(self, signed: SignedContent) -> None:
        self.signed = signed
        title = f"{FORMS[self.action]}签名 — {self.signer}"
        self.signature_dialog = ask_applicant_signature(self, self.signer, title, self.facade.clock, self.set_signature)

    def set_signature(self, captured: CapturedSignature) -> None:
        if self.signed is None:
            return
        self.signature = captured
        show_signed(self.sign_label, captured)
        self.show_error("")

    def confirmation(self) -> StepConfirmation:
        if self.signature is not None and self.signed is not None:
            return StepConfirmation(self.signature.signature_input(self.signed.content_sha256))
        return StepConfirmation(on_paper=self.paper_box.isChecked())


class SuspendDialog(SignedStepDialog):
    """中止: the clock stops; why, what restarts it, and the villager's signature (《代办服务中止单》)."""

    action = "suspend"

    def __init__(self, facade: StepServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        intro = "中止期间不计算办理时限，续办后期限相应顺延。中止原因须经申请人签名确认。"
        super().__init__("中止办理", intro, facade, detail, parent)
        self.ok_button.setText("中止")
        self.reason_edit = _text_box("如：需要专家评审、听证、检验检测")
        self.restart_edit = QLineEdit()
        self.restart_edit.setPlaceholderText("如：收到鉴定结论后续办")
        self.reason_edit.textChanged.connect(self.content_changed)
        self.restart_edit.textChanged.connect(lambda _t: self.content_changed())
        self.row("中止原因", self.reason_edit, "reason")
        self.row("恢复条件", self.restart_edit, "restart_condition")
        self.add_signature_row()

    def texts(self) -> tuple[str, str]:
        return self.reason_edit.toPlainText(), self.restart_edit.text()

    def operation(self) -> Callable[[], Changed]:
        (reason, restart), confirmation = self.texts(), self.confirmation()
        facade, case_id = self.facade, self.case_id
        return lambda: facade.suspend(case_id, reason, restart, confirmation)


class ResumeDialog(SignedStepDialog):
    """续办: why the matter goes on, and the villager's signature (《续办委托书》)."""

    action = "resume"

    def __init__(self, facade: StepServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        intro = "中止原因消除后续办，办理时限顺延中止的工作日数。申请人须签署《续办委托书》。"
        super().__init__("续办", intro, facade, detail, parent)
        self.reason_edit = _text_box("如：申请人已交来鉴定结论，中止原因已消除")
        self.reason_edit.textChanged.connect(self.content_changed)
        self.row("续办事由", self.reason_edit, "reason")
        self.add_signature_row()

    def texts(self) -> tuple[str, str]:
        return self.reason_edit.toPlainText(), ""

    def operation(self) -> Callable[[], Changed]:
        reason, confirmation = self.reason_edit.toPlainText(), self.confirmation()
        facade, case_id = self.facade, self.case_id
        return lambda: facade.resume(case_id, reason, confirmation)
