"""Keeping the new-case dialog's draft on disk while the clerk types, and offering it back.

``DraftKeeper`` runs the store's calls off the GUI thread, one at a time and
the latest request last (a slow write can never land after a newer one or
after the deletion). Until the earlier draft has been offered and answered,
nothing is written over it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QLineEdit, QMessageBox, QWidget

from desktop.services.casework.records import CaseDraft, SignedContent
from desktop.services.casework.registration_draft import DraftSignature, RegistrationDraft
from sync.domain.catalog import Catalog
from sync.domain.clock import beijing

from .ops import WriteOp
from .signature_dialog import CapturedSignature
from .tasks import run_task

if TYPE_CHECKING:
    from .guarded_dialog import GuardedDialog as _Dialog
    from .materials_table import MaterialsTable
else:
    _Dialog = object  # at run time a plain mixin; NewCaseDialog brings the dialog

log = logging.getLogger(__name__)

RESTORE_TITLE = "恢复上次未保存的登记？"
RESIGN = "草稿中的签名所对应的委托书内容已变化，请委托人和代办员重新签名。"
#: Who signs the 委托书, in the order printed: the villager, then the clerk.
SIDES = ("applicant", "clerk")


@dataclass(frozen=True)
class DraftCalls:
    """The draft store as the dialog uses it (each call runs in the background)."""

    keep: Callable[[RegistrationDraft], None]
    load: Callable[[], RegistrationDraft | None]
    forget: Callable[[], None]


class _Forget:
    pass


FORGET = _Forget()


class DraftKeeper(QObject):
    """Loads the kept draft once (``offered`` when there is one), then keeps or forgets on request."""

    offered = Signal(object)  # RegistrationDraft

    def __init__(self, calls: DraftCalls, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._calls = calls
        self._busy = False
        self._next: RegistrationDraft | _Forget | None = None
        #: False until the earlier draft was offered and answered (or there was none): nothing is kept before.
        self.settled = False

    @property
    def idle(self) -> bool:
        """No write running or waiting (tests wait for this; so may a caller before it quits)."""
        return self.settled and not self._busy and self._next is None

    def start(self) -> None:
        run_task(self._calls.load, self._on_loaded, self._on_load_failed)

    def _on_loaded(self, draft: RegistrationDraft | None) -> None:
        if draft is None:
            self.settle()
        else:
            self.offered.emit(draft)

    def _on_load_failed(self, exc: BaseException) -> None:
        log.warning("the new-case draft could not be read: %s", type(exc).__name__)
        self.settle()

    def settle(self) -> None:
        self.settled = True
        self._pump()

    def keep(self, draft: RegistrationDraft) -> None:
        self._next = draft
        self._pump()

    def forget(self) -> None:
        self._next = FORGET
        self._pump()

    def _pump(self) -> None:
        if self._busy or self._next is None or not self.settled:
            return
        op, self._next = self._next, None
        self._busy = True
        calls = self._calls
        if isinstance(op, RegistrationDraft):
            draft = op
            write = WriteOp(self, None, lambda: calls.keep(draft))
        else:
            write = WriteOp(self, None, calls.forget)
        write.success(self._done).failure(self._failed).run_in_background()

    def _done(self, _result: object) -> None:
        self._busy = False
        self._pump()

    def _failed(self, exc: BaseException) -> None:
        # Keeping a draft must never get in the clerk's way (e.g. the data key locked): the next change retries.
        log.warning("the new-case draft could not be kept: %s", type(exc).__name__)
        self._done(None)


def restore_question(parent: QWidget, draft: RegistrationDraft, catalog: Catalog) -> tuple[QMessageBox, object]:
    """The question offering ``draft`` back: (box, its 恢复 button). 恢复 is the default and Esc's answer."""
    form = draft.form
    matter = next((item.name for item in catalog.items if item.code == form.item_code), "")
    when = ""
    if draft.saved_at:
        try:
            when = f"{beijing(datetime.fromisoformat(draft.saved_at)):%m月%d日 %H:%M}"
        except ValueError:
            when = ""
    who = form.applicant_name.strip() or "（未填姓名）"
    lines = [f"上次{when}有一次登记没有保存：{who}" + (f"，{matter}" if matter else "") + "。"]
    if draft.signatures:
        lines.append("已有的签名在内容未变时一并恢复。")
    lines.append("恢复后可继续填写；放弃则删除这份草稿。")
    box = QMessageBox(QMessageBox.Icon.Question, RESTORE_TITLE, "\n".join(lines))
    box.setParent(parent, box.windowFlags())
    restore = box.addButton("恢复", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("放弃草稿", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(restore)
    box.setEscapeButton(restore)
    return box, restore


class KeptDraft(_Dialog):
    """The new-case dialog's side of its draft: keep what is entered, offer a kept draft back, restore it.

    Mixed into ``NewCaseDialog`` (before ``GuardedDialog``, whose ``on_discarded`` it answers); it uses the
    dialog's form, signatures and ``prepare``/``clerk`` calls.
    """

    drafts: DraftKeeper | None
    restore_box: QMessageBox | None

    if TYPE_CHECKING:  # what it uses of NewCaseDialog, for the type checker only
        _catalog: Catalog
        _prepare: Callable[[CaseDraft], SignedContent]
        _clerk: Callable[[], str]
        signed: SignedContent | None
        _signed_draft: CaseDraft | None
        clerk_name: str
        signatures: dict[str, CapturedSignature]
        kind_group: QButtonGroup
        materials: MaterialsTable
        name_edit: QLineEdit
        id_edit: QLineEdit
        phone_edit: QLineEdit
        address_edit: QLineEdit
        group_boxes: dict[str, QCheckBox]

        def draft(self) -> CaseDraft: ...
        def select_item(self, code: str) -> None: ...
        def set_signature(self, side: str, captured: CapturedSignature) -> None: ...
        def _show_field_error(self, field: str, message: str) -> None: ...

    def start_drafts(self, calls: DraftCalls | None) -> None:
        """Call last in ``__init__``: what the form holds now counts as nothing entered."""
        self._blank = self.entered()
        self._finished = False
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(0)
        self._draft_timer.timeout.connect(self._write_draft)
        self.restore_box = None
        self.drafts = DraftKeeper(calls, self) if calls is not None else None
        self.keeps_draft = self.drafts is not None
        if self.drafts is not None:
            self.drafts.offered.connect(self._offer_draft)
            self.drafts.start()

    def registration_draft(self) -> RegistrationDraft:
        signatures = tuple(
            DraftSignature(side, self.signatures[side].signature, self.signatures[side].scan_bytes)
            for side in SIDES
            if side in self.signatures
        )
        content = self.signed.content_sha256 if self.signed is not None and signatures else ""
        return RegistrationDraft(self.draft(), signatures, content, self.clerk_name)

    @property
    def draft_idle(self) -> bool:
        """Everything entered is on disk (tests wait for this)."""
        return self.drafts is None or (not self._draft_timer.isActive() and self.drafts.idle)

    def _keep_draft(self) -> None:
        """Keep the form once the current burst of changes is over (a row being added is not readable yet)."""
        if self.drafts is not None and not self._finished:
            self._draft_timer.start()

    def _write_draft(self) -> None:
        if self.drafts is None or self._finished:
            return
        if self.entered() == self._blank:
            self.drafts.forget()
        else:
            self.drafts.keep(self.registration_draft())

    def on_discarded(self) -> None:
        self._finished = True
        if self.drafts is not None:
            self.drafts.forget()

    def _offer_draft(self, draft: RegistrationDraft) -> None:
        box, restore = restore_question(self, draft, self._catalog)
        box.buttonClicked.connect(lambda button: self._draft_answered(draft, button is restore))
        self.restore_box = box
        box.open()

    def _draft_answered(self, draft: RegistrationDraft, restore: bool) -> None:
        assert self.drafts is not None
        if restore:
            self.restore(draft)
        else:
            self.drafts.forget()
        self.drafts.settle()
        self._keep_draft()

    def restore(self, draft: RegistrationDraft) -> None:
        """Fill the form as the draft had it; its signatures come back once the content proves unchanged."""
        form = draft.form
        for button in self.kind_group.buttons():
            if button.property("kind") == form.kind:
                button.setChecked(True)
        self.select_item(form.item_code)
        self.materials.load_drafts(form.materials)
        for edit, text in (
            (self.name_edit, form.applicant_name),
            (self.id_edit, form.id_number),
            (self.phone_edit, form.phone),
            (self.address_edit, form.address),
        ):
            edit.setText(text)
        for group, box in self.group_boxes.items():
            box.setChecked(group in form.special_groups)
        if draft.signatures and draft.content_sha256:
            typed, prepare, clerk = self.draft(), self._prepare, self._clerk
            run_task(
                lambda: (prepare(typed), clerk()),
                lambda loaded: self._restore_signatures(draft, typed, *loaded),
                lambda _exc: self._show_field_error("signatures", RESIGN),
            )

    def _restore_signatures(
        self, draft: RegistrationDraft, typed: CaseDraft, signed: SignedContent, clerk: str
    ) -> None:
        if self.draft() != typed or self.signatures:
            return  # the clerk went on meanwhile
        if signed.content_sha256 != draft.content_sha256 or clerk != draft.clerk_name:
            self._show_field_error("signatures", RESIGN)
            return
        self.signed, self._signed_draft, self.clerk_name = signed, typed, clerk
        for kept in draft.signatures:
            self.set_signature(kept.side, CapturedSignature(kept.signature, kept.scan))
