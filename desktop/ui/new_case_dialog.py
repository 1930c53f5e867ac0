"""新建委托: the clerk records an entrustment with the villager sitting there.

For 代办 and 帮办 the 委托人 and the 代办员 each sign the 《代办服务委托书》 on the pad
(or import a photo of a paper signature). The content is fixed by
``prepare_registration`` (validated, hashed, in the background) before the first
signature; changing anything on the form afterwards drops both signatures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialogButtonBox,
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

from desktop.services.casework.id_reader import CardData
from desktop.services.casework.item_search import ItemChoice, plain_choices
from desktop.services.casework.records import CaseDraft, Changed, SignedContent
from sync.domain.catalog import Catalog
from sync.domain.clock import SYSTEM_CLOCK, Clock
from sync.domain.errors import DomainError, ValidationError
from sync.domain.model import SPECIAL_GROUP_LABELS, SPECIAL_GROUPS, CaseKind
from sync.domain.signature import APPLICANT, CLERK
from sync.domain.text import normalize_name
from sync.domain.validation import normalize_id_number, normalize_phone

from .action_form import error_label, never_default
from .entry_fields import normalise_as_typed
from .errors import show_error, user_message
from .guarded_dialog import GuardedDialog
from .item_chooser import ItemChooser
from .materials_table import MaterialsTable
from .new_case_draft import SIDES, DraftCalls, KeptDraft
from .ops import Hub, WriteOp
from .rare_char_dialog import attach_to
from .signature_dialog import CapturedSignature, SignatureDialog
from .tasks import run_task

WARNING_STYLE = "color: #8a4b00;"


def _ignore(_exc: BaseException) -> None:
    """A lookup that only warns: failing, it warns of nothing."""


ROLES = {"applicant": APPLICANT, "clerk": CLERK}
SIGN_LABELS = {"applicant": "委托人签名", "clerk": "代办员（受托人）签名"}
UNSIGNED_STYLE = "color: #8a6d00;"
SIGNED_STYLE = "color: #2e7d32; font-weight: bold;"


class NewCaseDialog(KeptDraft, GuardedDialog):
    """Collects a ``CaseDraft`` and, for 代办/帮办, both signatures on the 委托书.

    ``prepare(draft)`` (the signed content) and ``clerk()`` (the logged-in clerk's name) run
    off the GUI thread before the first signature; saving runs ``save(draft)`` off it too.
    With ``drafts``, everything entered (the signatures included) is kept on disk as it changes
    and offered back the next time the dialog opens; saving the case or 放弃 deletes it.
    With ``read_card`` (the station's 身份证 reader; run off the GUI thread), 读身份证 (F2) fills
    姓名, 身份证号码 and 住址 from the card; the fields stay editable, so typing always works.
    """

    case_saved = Signal(object)  # Changed

    def __init__(
        self,
        catalog: Catalog,
        save: Callable[[CaseDraft], Changed],
        prepare: Callable[[CaseDraft], SignedContent],
        clerk: Callable[[], str],
        parent: QWidget | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        items: Callable[[], list[ItemChoice]] | None = None,
        known_names: Callable[[str, str], list[str]] | None = None,
        drafts: DraftCalls | None = None,
        read_card: Callable[[], CardData] | None = None,
        hub: Hub | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock  # the station's: stamps the signatures
        self.hub = hub  # told what the saved case changed (``WriteOp``)
        self.setWindowTitle("新建代办委托")
        self.resize(760, 720)
        self._catalog = catalog
        self._save = save
        self._prepare = prepare
        self._clerk = clerk
        #: The 委托书 content both sign (None until prepared, and again after any change).
        self.signed: SignedContent | None = None
        self._signed_draft: CaseDraft | None = None
        self.clerk_name = ""
        self.signatures: dict[str, CapturedSignature] = {}
        self.signature_dialog: SignatureDialog | None = None

        self.kind_group = QButtonGroup(self)
        kind_row = QHBoxLayout()
        for kind in CaseKind:
            button = QRadioButton(kind.label)
            button.setProperty("kind", kind.value)
            self.kind_group.addButton(button)
            kind_row.addWidget(button)
            if kind is CaseKind.AGENCY:
                button.setChecked(True)
        kind_row.addStretch()

        self.item_combo = ItemChooser(plain_choices(catalog))
        self.item_combo.currentIndexChanged.connect(self._item_changed)
        #: True once the items are spelled (pinyin) and ordered by this station's use.
        self.items_loaded = False
        if items is not None:
            run_task(items, self._on_items, lambda exc: None)  # names-only search is still there
        self.item_info = QLabel()
        self.item_info.setWordWrap(True)

        self.name_edit = QLineEdit()
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("18位居民身份证号码")
        normalise_as_typed(self.id_edit, normalize_id_number)
        self._known_names = known_names
        #: Beside the number (no row moves): the number is registered here under another name.
        self.id_warning = QLabel()
        self.id_warning.setStyleSheet(WARNING_STYLE)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("手机号或座机（区号-号码）")
        normalise_as_typed(self.phone_edit, normalize_phone)
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText("村民小组、门牌号")
        groups_row = QHBoxLayout()
        self.group_boxes: dict[str, QCheckBox] = {}
        for group in SPECIAL_GROUPS:
            box = QCheckBox(SPECIAL_GROUP_LABELS[group])
            self.group_boxes[group] = box
            groups_row.addWidget(box)
        groups_row.addStretch()

        self._read_card = read_card
        self.read_card_button = QPushButton("读身份证(F2)")
        self.read_card_button.setShortcut(QKeySequence("F2"))
        self.read_card_button.setAutoDefault(False)
        self.read_card_button.setToolTip("将身份证放在读卡器上，读出姓名、身份证号码和住址；也可直接手工输入")
        self.read_card_button.clicked.connect(self.read_id_card)
        self.read_card_button.setVisible(read_card is not None)

        applicant = QGroupBox("委托人（申请人）")
        form = QFormLayout(applicant)
        name_row = QHBoxLayout()
        name_row.addWidget(attach_to(self.name_edit), 1)
        name_row.addWidget(self.read_card_button)
        form.addRow("姓名", name_row)
        id_row = QHBoxLayout()
        id_row.addWidget(self.id_edit, 2)
        id_row.addWidget(self.id_warning, 3)
        form.addRow("身份证号码", id_row)
        form.addRow("联系电话", self.phone_edit)
        form.addRow("住址", attach_to(self.address_edit))
        form.addRow("特殊群体", groups_row)

        self.materials = MaterialsTable()
        add_button = QPushButton("添加其他材料")
        add_button.clicked.connect(lambda: self.materials.add_row())
        all_button = QPushButton("全部已提交")
        all_button.clicked.connect(lambda: self.materials.set_all_present(True))
        materials_box = QGroupBox("材料清单（当场核对，勾选已提交的材料）")
        materials_layout = QVBoxLayout(materials_box)
        materials_layout.addWidget(self.materials)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add_button)
        buttons_row.addWidget(all_button)
        buttons_row.addStretch()
        materials_layout.addLayout(buttons_row)

        self.sign_buttons = {side: QPushButton(SIGN_LABELS[side]) for side in SIDES}
        self.sign_labels = {side: QLabel() for side in SIDES}
        self.sign_box = QGroupBox("《代办服务委托书》签名（委托人、代办员各签一次）")
        sign_layout = QVBoxLayout(self.sign_box)
        sign_hint = QLabel("请核对上面的内容后签名；签名后如再修改，需双方重新签名。也可导入纸质签名照片。")
        sign_hint.setWordWrap(True)
        sign_hint.setStyleSheet("color: #4b5563;")
        sign_layout.addWidget(sign_hint)
        for side in SIDES:
            sign_button = self.sign_buttons[side]
            sign_button.setAutoDefault(False)
            sign_button.clicked.connect(lambda _c=False, s=side: self.sign(s))
            row = QHBoxLayout()
            row.addWidget(sign_button)
            row.addWidget(self.sign_labels[side], 1)
            sign_layout.addLayout(row)

        self.error_label = error_label()
        self.error_label.setObjectName("errorLabel")

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存并登记", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        never_default(self.cancel_button)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        top = QFormLayout()
        top.addRow("服务方式", kind_row)
        top.addRow("办理事项", self.item_combo)
        top.addRow("", self.item_info)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(applicant)
        layout.addWidget(materials_box, 1)
        layout.addWidget(self.sign_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._fields: dict[str, QWidget] = {
            "name": self.name_edit,
            "id_number": self.id_edit,
            "phone": self.phone_edit,
            "address": self.address_edit,
            "item_code": self.item_combo,
            "materials": self.materials,
            "signatures": self.sign_box,
        }
        self._reset_signatures()
        for edit in (self.name_edit, self.id_edit, self.phone_edit, self.address_edit):
            edit.textChanged.connect(lambda _t: self._content_changed())
        self.item_combo.currentIndexChanged.connect(lambda _i: self._content_changed())
        self.kind_group.buttonToggled.connect(lambda _b, _on: self._content_changed())
        for box in self.group_boxes.values():
            box.toggled.connect(lambda _on: self._content_changed())
        self.materials.materials_changed.connect(self._content_changed)
        self.id_edit.textChanged.connect(lambda _t: self._check_id_number())
        self.name_edit.textChanged.connect(lambda _t: self._check_id_number())

        self.start_drafts(drafts)

    def entered(self) -> object:
        return self.draft(), tuple(sorted(self.signatures))

    # --- reading the form ---
    def select_item(self, code: str) -> None:
        self.item_combo.select(code)

    def read_id_card(self) -> None:
        """Read the card on the station's reader in the background; the fields are filled when it answers."""
        if self._read_card is None or not self.read_card_button.isEnabled():
            return
        self._clear_error()
        self.read_card_button.setEnabled(False)
        self.read_card_button.setText("正在读卡…")
        run_task(self._read_card, self._on_card_read, self._on_card_failed)

    def _card_done(self) -> None:
        self.read_card_button.setEnabled(True)
        self.read_card_button.setText("读身份证(F2)")

    def _on_card_read(self, card: CardData) -> None:
        """Fill the fields as if typed: the same normalisation, the same checks and draft on change."""
        self._card_done()
        self.name_edit.setText(normalize_name(card.name))
        self.id_edit.setText(normalize_id_number(card.id_number))
        self.address_edit.setText(card.address)
        self.phone_edit.setFocus()  # the card has no phone: the next thing to type

    def _on_card_failed(self, exc: BaseException) -> None:
        self._card_done()
        if isinstance(exc, DomainError):
            self.error_label.setText(user_message(exc))  # the reader's own advice; manual entry stays open
            self.error_label.show()
            self.read_card_button.setFocus()
        else:
            show_error(self, exc)

    def _on_items(self, choices: list[ItemChoice]) -> None:
        self.item_combo.set_choices(choices)
        self.items_loaded = True

    def _item_changed(self, _index: int) -> None:
        code = self.item_combo.currentData()
        if not code:
            self.materials.setRowCount(0)
            self.item_info.clear()
            return
        item = self._catalog.get(code)
        days = "即时办结" if item.promised_days == 0 else f"承诺{item.promised_days}个工作日内办结"
        self.item_info.setText(f"{item.case_type.label}，{days}；收费：{item.fee}")
        self.materials.load(item.materials)

    def draft(self) -> CaseDraft:
        checked = self.kind_group.checkedButton()
        return CaseDraft(
            kind=str(checked.property("kind")) if checked else "",
            item_code=str(self.item_combo.currentData() or ""),
            applicant_name=self.name_edit.text(),
            id_number=self.id_edit.text(),
            phone=self.phone_edit.text(),
            address=self.address_edit.text(),
            special_groups=tuple(g for g, box in self.group_boxes.items() if box.isChecked()),
            materials=self.materials.materials(),
        )

    def needs_signatures(self) -> bool:
        checked = self.kind_group.checkedButton()
        return checked is None or checked.property("kind") != CaseKind.CONSULT.value

    # --- the same number under another name: a warning, never a refusal ---
    def _check_id_number(self) -> None:
        number, name = normalize_id_number(self.id_edit.text()), self.name_edit.text()
        if len(number) != 18 or self._known_names is None:
            self.id_warning.clear()
            return
        lookup = self._known_names
        run_task(lambda: lookup(number, name), lambda names: self._on_known_names(number, name, names), _ignore)

    def _on_known_names(self, number: str, name: str, names: list[str]) -> None:
        if (normalize_id_number(self.id_edit.text()), self.name_edit.text()) != (number, name):
            return  # typed on meanwhile: a newer lookup answers
        if names:
            listed = "、".join(f"“{n}”" for n in names)
            self.id_warning.setText(f"⚠ 本站已用此号码登记过{listed}，请核对姓名和号码")
        else:
            self.id_warning.clear()
        self.id_warning.setToolTip(self.id_warning.text())

    # --- signing the 委托书 ---
    def _content_changed(self) -> None:
        self.sign_box.setVisible(self.needs_signatures())
        if self.signed is None and not self.signatures:
            self._keep_draft()
            return
        had = bool(self.signatures)
        self._reset_signatures()
        if had:
            self._show_field_error("signatures", "委托书内容已更改，请委托人和代办员重新签名。")
        self._keep_draft()

    def _reset_signatures(self) -> None:
        self.signed = None
        self._signed_draft = None
        self.signatures.clear()
        for side in SIDES:
            self.sign_labels[side].setText("未签名")
            self.sign_labels[side].setStyleSheet(UNSIGNED_STYLE)

    def _signer(self, side: str) -> str:
        # The name as it will be stored (look-alike dots as "·"): the ink cannot be renamed after the hash.
        return normalize_name(self.name_edit.text()) if side == "applicant" else self.clerk_name

    def sign(self, side: str) -> None:
        """Fix the 委托书 content (``prepare``, in the background), then ask ``side`` to sign it."""
        self._clear_error()
        if side == "applicant" and not self.name_edit.text().strip():
            self._show_field_error("name", "请先填写委托人姓名，再请委托人签名")
            return
        if self.signed is not None:
            self._open_signature(side)
            return
        draft = self.draft()
        prepare, clerk = self._prepare, self._clerk
        for button in self.sign_buttons.values():
            button.setEnabled(False)
        run_task(
            lambda: (prepare(draft), clerk()),
            lambda loaded: self._on_prepared(side, draft, *loaded),
            self._on_prepare_failed,
        )

    def _on_prepared(self, side: str, draft: CaseDraft, signed: SignedContent, clerk_name: str) -> None:
        for button in self.sign_buttons.values():
            button.setEnabled(True)
        if self.draft() != draft:  # edited while the content was being prepared: prepare again
            self.sign(side)
            return
        self.signed, self._signed_draft, self.clerk_name = signed, draft, clerk_name
        self._open_signature(side)

    def _on_prepare_failed(self, exc: BaseException) -> None:
        for button in self.sign_buttons.values():
            button.setEnabled(True)
        self._on_failed(exc)

    def _open_signature(self, side: str) -> None:
        name, role = self._signer(side), ROLES[side]
        dialog = SignatureDialog(name, role, self, wall_clock=self.clock)
        dialog.setWindowTitle(f"委托书签名 — {name}（{role}）")
        dialog.captured_confirmed.connect(lambda captured: self.set_signature(side, captured))
        self.signature_dialog = dialog
        dialog.open()

    def set_signature(self, side: str, captured: CapturedSignature) -> None:
        if self.signed is None:
            return  # the content changed while the pad was open: that signature covers nothing now
        self.signatures[side] = captured
        how = "（纸质签名照片）" if captured.is_scan else ""
        self.sign_labels[side].setText(f"✔ {captured.signature.signer} 已签名{how}")
        self.sign_labels[side].setStyleSheet(SIGNED_STYLE)
        if len(self.signatures) == len(SIDES):
            self._clear_error()
        self._keep_draft()

    def signed_draft(self) -> CaseDraft:
        """The draft with both signatures (代办/帮办), or as typed (咨询; or unsigned: the service refuses it)."""
        draft = self.draft()
        if not self.needs_signatures() or self.signed is None or len(self.signatures) != len(SIDES):
            return draft
        if draft != self._signed_draft:
            raise DomainError("委托书内容已更改，请委托人和代办员重新签名")
        content = self.signed.content_sha256
        sigs = tuple(self.signatures[side].signature_input(content) for side in SIDES)
        return replace(draft, signatures=sigs)

    # --- saving ---
    def submit(self) -> None:
        """Save in the background; the service names what is wrong first (a field, then the signatures)."""
        self._clear_error()
        try:
            draft = self.signed_draft()
        except DomainError as exc:
            self._reset_signatures()
            self._show_field_error("signatures", user_message(exc))
            return
        self.save_button.setEnabled(False)
        save = WriteOp(self, self.hub, lambda: self._save(draft))
        save.success(self._on_saved).failure(self._on_failed).run_in_background()

    def _on_saved(self, changed: Changed) -> None:
        self.save_button.setEnabled(True)
        self.on_discarded()  # the case holds it all now: the draft goes
        self.case_saved.emit(changed)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show_field_error(exc.field, user_message(exc))
        else:
            show_error(self, exc)
            self.save_button.setFocus()  # not 取消, where disabling 保存 had moved it

    def _show_field_error(self, field: str, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        widget = self._fields.get(field)
        if isinstance(widget, QGroupBox):
            widget.setStyleSheet("QGroupBox { border: 2px solid #c62828; }")
            unsigned = [self.sign_buttons[side] for side in SIDES if side not in self.signatures]
            (unsigned[0] if unsigned else self.save_button).setFocus()
        elif widget is not None:
            widget.setStyleSheet("border: 2px solid #c62828;")
            widget.setFocus()

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
        for widget in self._fields.values():
            widget.setStyleSheet("")
