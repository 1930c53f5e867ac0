"""服务意见反馈表: the villager confirms the result, rates the service and signs.

No rating is preselected and nothing hints at one: the clerk must not suggest
a rating (好差评 rules). A 差评 (the bottom two levels) is flagged for the town
center's 回访 and 整改, and the dialog says so once one is chosen.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import (
    CaseDetail,
    Changed,
    FeedbackDraft,
    FeedbackInput,
    SignedContent,
)
from sync.domain.clock import Clock
from sync.domain.errors import DomainError
from sync.domain.feedback import COMMENT_FIELDS, DIMENSIONS
from sync.domain.ratings import RATING_LABELS, is_bad_rating

from .action_form import error_label, ok_cancel
from .errors import show_error, user_message
from .guarded_dialog import GuardedDialog
from .ops import Hub, WriteOp
from .signature_dialog import CapturedSignature, SignatureDialog, ask_applicant_signature, show_signed
from .tasks import run_task

#: Five equal, framed choices: none looks preferred (the clerk must not hint at a rating).
RATING_STYLE = (
    "QRadioButton { font-size: 16pt; padding: 10px 14px; background: white;"
    " border: 1px solid #c9ced6; border-radius: 8px; }"
    " QRadioButton:checked { background: #e3f2fd; border: 2px solid #1565c0; }"
    " QRadioButton::indicator { width: 22px; height: 22px; }"
)
BAD_RATING_NOTE = "该评价为差评，提交后镇为民服务中心将进行回访核实并督促整改。"


class FeedbackServices(Hub, Protocol):
    """What the 服务意见反馈表 needs (the facade has it): the form fixed for signing, the write, and the
    clock that stamps the signature."""

    @property
    def clock(self) -> Clock: ...
    def prepare_feedback(self, case_id: str, draft: FeedbackDraft) -> SignedContent: ...
    def give_feedback(self, case_id: str, data: FeedbackInput) -> Changed: ...


class FeedbackDialog(GuardedDialog):
    """Closing it after a choice or a signature asks first (``GuardedDialog``)."""

    saved = Signal(object)  # Changed

    def __init__(self, facade: FeedbackServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        view = detail.view
        self.facade, self.case_id, self.signer = facade, view.case_id, view.applicant.name
        self.setWindowTitle(f"服务意见反馈表 — {view.case_no}")
        self.setMinimumWidth(680)
        self.signed: SignedContent | None = None
        self.signature: CapturedSignature | None = None
        self.signature_dialog: SignatureDialog | None = None

        result = view.result or "（镇中心未填写结果说明）"
        info = QLabel(f"办理事项：{view.item_name}\n办理结果：{result}")
        info.setWordWrap(True)
        self.confirm_box = QCheckBox("申请人已收到办理结果并确认")
        self.confirm_box.toggled.connect(lambda _b: self._content_changed())

        rating_box = QGroupBox("请申请人本人选择对本次服务的评价")
        rating_row = QHBoxLayout(rating_box)
        self.rating_group = QButtonGroup(self)
        self.rating_buttons: dict[int, QRadioButton] = {}
        for rating in sorted(RATING_LABELS, reverse=True):
            button = QRadioButton(RATING_LABELS[rating])
            button.setMinimumHeight(56)
            button.setStyleSheet(RATING_STYLE)
            self.rating_group.addButton(button, rating)
            self.rating_buttons[rating] = button
            rating_row.addWidget(button, 1)
        self.rating_group.idToggled.connect(self._button_toggled)

        # 服务效率 / 服务水平 / 服务态度: five plain levels each, none chosen, all optional.
        dimensions_box = QGroupBox("分项评价（可不选）")
        dimensions = QFormLayout(dimensions_box)
        self.dimension_groups: dict[str, QButtonGroup] = {}
        self.dimension_buttons: dict[str, dict[int, QRadioButton]] = {}
        for key, label in DIMENSIONS.items():
            row = QHBoxLayout()
            group = QButtonGroup(self)
            self.dimension_groups[key] = group
            self.dimension_buttons[key] = {}
            for rating in sorted(RATING_LABELS, reverse=True):
                button = QRadioButton(RATING_LABELS[rating])
                group.addButton(button, rating)
                self.dimension_buttons[key][rating] = button
                row.addWidget(button)
            row.addStretch(1)
            group.idToggled.connect(self._button_toggled)
            dimensions.addRow(label, row)

        self.comment_edits: dict[str, QLineEdit] = {}
        comments = QFormLayout()
        for key, label in COMMENT_FIELDS.items():
            edit = QLineEdit()
            edit.setPlaceholderText("可不填")
            edit.textEdited.connect(lambda _t: self._content_changed())
            self.comment_edits[key] = edit
            comments.addRow(label if key == "suggestions" else f"{label}意见", edit)

        self.bad_label = QLabel(BAD_RATING_NOTE)
        self.bad_label.setStyleSheet("color: #c62828; background: #fdecea; padding: 6px; border-radius: 4px;")
        self.bad_label.setWordWrap(True)
        self.bad_label.hide()
        self.sign_button = QPushButton(f"请 {self.signer} 签名")
        self.sign_button.setMinimumHeight(36)
        self.sign_button.clicked.connect(self.sign)
        self.sign_label = QLabel("未签名")
        sign_row = QHBoxLayout()
        sign_row.addWidget(self.sign_button)
        sign_row.addWidget(self.sign_label, 1)
        self.error_label = error_label()
        self.buttons, self.save_button = ok_cancel(self, "提交反馈", self.submit)

        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.confirm_box)
        layout.addWidget(rating_box)
        layout.addWidget(dimensions_box)
        layout.addLayout(comments)
        layout.addWidget(self.bad_label)
        layout.addLayout(sign_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._content_changed()

    def entered(self) -> object:
        return self.draft(), self.signature is not None

    def choose(self, rating: int) -> None:
        self.rating_buttons[rating].setChecked(True)

    def rate(self, dimension: str, rating: int) -> None:
        self.dimension_buttons[dimension][rating].setChecked(True)

    def draft(self) -> FeedbackDraft:
        comments = {k: e.text() for k, e in self.comment_edits.items() if e.text().strip()}
        dimensions = {k: g.checkedId() for k, g in self.dimension_groups.items() if g.checkedId() > 0}
        return FeedbackDraft(self.confirm_box.isChecked(), self.rating_group.checkedId(), comments, dimensions)

    def _button_toggled(self, _id: int, on: bool) -> None:
        if on:  # a choice moved: the button turned off says nothing more
            self._content_changed()

    def _content_changed(self) -> None:
        rating = self.rating_group.checkedId()
        self.bad_label.setVisible(rating > 0 and is_bad_rating(rating))
        had = self.signature is not None
        self.signed, self.signature = None, None
        self.sign_label.setText("未签名")
        self.sign_label.setStyleSheet("color: #8a6d00;")
        self._show_error("反馈内容已更改，请申请人重新签名。" if had else "")
        self.save_button.setEnabled(False)

    def sign(self) -> None:
        """Check and fix the form's content (prepare_feedback), then ask the villager to sign it."""
        self._show_error("")
        if not self.confirm_box.isChecked():
            self._show_error("请申请人确认已收到办理结果后再签名")
            self.confirm_box.setFocus()
            return
        if self.rating_group.checkedId() < 0:
            self._show_error("请申请人本人选择评价后再签名")
            return
        draft, facade, case_id = self.draft(), self.facade, self.case_id
        run_task(lambda: facade.prepare_feedback(case_id, draft), self._on_prepared, self._on_failed)

    def _on_prepared(self, signed: SignedContent) -> None:
        self.signed = signed
        title = f"服务意见反馈表签名 — {self.signer}"
        self.signature_dialog = ask_applicant_signature(self, self.signer, title, self.facade.clock, self.set_signature)

    def set_signature(self, captured: CapturedSignature) -> None:
        if self.signed is None:
            return
        self.signature = captured
        show_signed(self.sign_label, captured)
        self.save_button.setEnabled(True)

    def submit(self) -> None:
        if self.signed is None or self.signature is None:
            self._show_error("请申请人签名后再提交")
            return
        data = FeedbackInput(self.draft(), self.signature.signature_input(self.signed.content_sha256))
        self.save_button.setEnabled(False)
        facade, case_id = self.facade, self.case_id
        give = WriteOp(self, facade, lambda: facade.give_feedback(case_id, data))
        give.success(self._on_saved).failure(self._on_failed).run_in_background()

    def _on_saved(self, changed: Changed) -> None:
        self.saved.emit(changed)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(self.signature is not None)
        if isinstance(exc, DomainError):
            self._show_error(user_message(exc))
        else:
            show_error(self, exc)
        (self.save_button if self.save_button.isEnabled() else self.sign_button).setFocus()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
