"""What each action button of the case page does: a small dialog when input is needed, else run it.

The buttons come from the state machine's allowed actions (``CaseDetail.actions``),
so an illegal move is never offered; a refusal by the service (e.g. 归档 while an
original is out) is shown on the page or the dialog, which stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from desktop.services.casework.handovers import next_route
from desktop.services.casework.records import CaseDetail, Changed, HandoverDraft, HandoverInput, SignedContent
from sync.domain.custody import CLERK, WINDOW
from sync.domain.model import CaseKind

from .action_dialogs import (
    ActionServices,
    CaseTypeDialog,
    ConsultAnswerDialog,
    CorrectionDialog,
    ExtendDialog,
    ReasonDialog,
    ReturnDialog,
    SupplementDialog,
)
from .action_form import ActionDialog
from .camera_dialog import CameraDialog, camera_available
from .errors import user_message
from .feedback_dialog import FeedbackDialog, FeedbackServices
from .handover_dialog import HandoverDialog
from .ops import WriteOp
from .step_dialogs import ResumeDialog, StepServices, SuspendDialog

#: Button texts (the clerk's words) for the state machine's actions; others use the action's label.
BUTTON_LABELS = {
    "request_correction": "一次性告知补正",
    "accept": "补正材料已收",
    "deliver": "送件",
    "give_feedback": "结果交付并评价",
    "answer": "咨询答复",
    "handover": "材料交接",
    "attach": "添加附件",
    "set_case_type": "变更办件类型",
}
#: Actions of the page in this order; anything else the state machine offers comes after.
ORDER = (
    "request_correction",
    "accept",
    "deliver",
    "give_feedback",
    "answer",
    "extend",
    "suspend",
    "resume",
    "handover",
    "attach",
    "return",
    "withdraw",
    "terminate",
    "archive",
    "set_case_type",
)
IMAGE_FILTER = "照片、扫描件或PDF (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp *.pdf)"
#: The dialogs a case's action opens: each says ``saved`` (with the ``Changed``) once its step is recorded.
SavingDialog = ActionDialog | FeedbackDialog | HandoverDialog


class CaseActionServices(ActionServices, StepServices, FeedbackServices, Protocol):
    """What the case page's actions need (the facade has it): their dialogs' services, and the writes run
    here or in the handover dialog."""

    def withdraw(self, case_id: str, reason: str) -> Changed: ...
    def terminate(self, case_id: str, reason: str) -> Changed: ...
    def deliver(self, case_id: str, handover: HandoverInput | None = None) -> Changed: ...
    def archive(self, case_id: str) -> Changed: ...
    def prepare_handover(self, case_id: str, draft: HandoverDraft) -> SignedContent: ...
    def record_handover(self, case_id: str, handover: HandoverInput) -> Changed: ...
    def add_attachment(self, case_id: str, path: Path, note: str = "") -> Changed: ...
    def add_attachment_bytes(self, case_id: str, data: bytes, filename: str, note: str = "") -> Changed: ...


def offered(detail: CaseDetail) -> list[tuple[str, str]]:
    """(action, button text) for the actions allowed now."""
    allowed = {a.name: a.label for a in detail.actions}
    if detail.missing:
        allowed.pop("request_correction", None)  # told once already (一次告知): the service refuses a second time
    else:
        allowed.pop("accept", None)  # accepting happens at registration or when the 补正 materials arrive
    names = [n for n in ORDER if n in allowed] + [n for n in allowed if n not in ORDER]
    return [(n, BUTTON_LABELS.get(n, allowed[n])) for n in names]


class CaseActions(QObject):
    """Runs the actions of one case page; ``finished``/``refused`` carry the Chinese message."""

    finished = Signal(str)
    refused = Signal(str)

    def __init__(self, facade: CaseActionServices, parent: QWidget) -> None:
        super().__init__(parent)
        self.facade = facade
        self.page = parent
        self.dialog: QDialog | None = None
        #: The logged-in clerk's name, loaded with the case (signs handovers as 代办员).
        self.clerk_name = ""

    def run(self, name: str, detail: CaseDetail) -> None:
        case_id = detail.view.case_id
        f = self.facade
        dialogs: dict[str, Callable[[], SavingDialog]] = {
            "request_correction": lambda: CorrectionDialog(f, detail, self.page),
            "accept": lambda: SupplementDialog(f, detail, self.page),
            "extend": lambda: ExtendDialog(f, detail, self.page),
            "suspend": lambda: SuspendDialog(f, detail, self.page),
            "resume": lambda: ResumeDialog(f, detail, self.page),
            "return": lambda: ReturnDialog(f, detail, self.page),
            "answer": lambda: ConsultAnswerDialog(f, detail, self.page),
            "set_case_type": lambda: CaseTypeDialog(f, detail, self.page),
            "give_feedback": lambda: FeedbackDialog(f, detail, self.page),
            "withdraw": lambda: ReasonDialog(
                "撤回", "撤回原因", lambda r: f.withdraw(case_id, r), "申请人要求撤回办件。", self.page, hub=f
            ),
            "terminate": lambda: ReasonDialog(
                "终止",
                "终止原因",
                lambda r: f.terminate(case_id, r),
                "办结前终止办理，材料请另行交接退还。",
                self.page,
                hub=f,
            ),
            "handover": lambda: self._handover(detail, *next_route(detail.view, detail.custody)),
        }
        if name == "deliver":
            if detail.view.kind is CaseKind.AGENCY:
                self._open(self._handover(detail, CLERK, WINDOW, "送件（材料交接）", f.deliver))
            else:  # 帮办: the villager carries the materials, accompanied by the clerk
                self._direct(lambda: f.deliver(case_id))
        elif name == "archive":
            self.confirm_archive(detail)
        elif name == "attach":
            self.add_attachment(case_id)
        elif name in dialogs:
            self._open(dialogs[name]())

    def _handover(
        self,
        detail: CaseDetail,
        from_holder: str,
        to_holder: str,
        title: str = "材料交接",
        save: Callable[..., Changed] | None = None,
    ) -> HandoverDialog:
        case_id, f = detail.view.case_id, self.facade
        record = save or f.record_handover
        return HandoverDialog(
            detail,
            self.clerk_name,
            lambda draft: f.prepare_handover(case_id, draft),
            lambda handover: record(case_id, handover),
            from_holder,
            to_holder,
            title,
            self.page,
            clock=f.clock,
            hub=f,
        )

    def confirm_archive(self, detail: CaseDetail) -> QMessageBox | None:
        """归档 with one confirmation that says where every original is; while one is still out the
        service's refusal names it (nothing to confirm), as it does for a page left open too long."""
        case_id = detail.view.case_id
        allowed = any(a.name == "archive" for a in detail.actions)
        if not allowed or any(not line.settled for line in detail.custody):
            self._direct(lambda: self.facade.archive(case_id))
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "归档", archive_question(detail), parent=self.page)
        confirm = box.addButton("归档", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(confirm)
        box.buttonClicked.connect(
            lambda button: self._direct(lambda: self.facade.archive(case_id)) if button is confirm else None
        )
        self.dialog = box
        box.open()
        return box

    def _open(self, dialog: SavingDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self._on_done)
        dialog.open()

    def _direct(self, op: Callable[[], Changed]) -> None:
        WriteOp(self, self.facade, op).success(self._on_done).failure(self._on_failed).run_in_background()

    def add_attachment(self, case_id: str, path: str | None = None) -> None:
        if path is None and camera_available() and self._choose_camera():
            self.take_photo(case_id)
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.page, "选择材料照片或扫描件", "", IMAGE_FILTER)
            if not path:
                return
        file = Path(path)
        self._direct(lambda: self.facade.add_attachment(case_id, file))

    def _choose_camera(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, "添加附件", "用高拍仪（摄像头）拍照，还是从文件选择？", parent=self.page
        )
        camera = box.addButton("拍照", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("从文件选择", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is camera

    def take_photo(self, case_id: str, dialog: CameraDialog | None = None) -> CameraDialog:
        """Open the camera; the photo taken is stored as the case's attachment (off the GUI thread)."""
        dialog = dialog or CameraDialog(self.page)
        dialog.photo_taken.connect(lambda png: self.add_photo(case_id, png))
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_photo(self, case_id: str, png: bytes) -> None:
        name = f"拍照-{self.facade.clock.local_now():%Y%m%d-%H%M%S}.png"
        self._direct(lambda: self.facade.add_attachment_bytes(case_id, png, name))

    def _on_done(self, changed: Changed) -> None:
        """The write already announced ``changed`` (``WriteOp``): the page says what was done."""
        self.finished.emit(changed.message)

    def _on_failed(self, exc: BaseException) -> None:
        self.refused.emit(user_message(exc))


def archive_question(detail: CaseDetail) -> str:
    """The one question before 归档: where each original is now (the town's word included)."""
    lines = [
        f"· {line.material}：{line.holder_label}" + (f"（{line.window_word}）" if line.window_word else "")
        for line in detail.custody
    ]
    where = "\n".join(lines) if lines else "本办件没有原件。"
    return f"代办员手中已没有本办件的原件。\n{where}\n\n归档后办件不再变动。确认归档？"
