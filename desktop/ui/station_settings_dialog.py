"""数据 → 代办站设置: the station's data, its clerks, one's own password and the recovery code.

Three tabs over the services (``station``, ``accounts``, ``clerk_identity``,
``station_admin``); every call runs in the background. What is printed on
the forms (the station's name and address, each clerk's 身份证 and phone as
受托人) is corrected here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.id_reader import CardData
from desktop.services.casework.records import ClerkInfo, StationInfo
from desktop.services.syncing import signing_keys
from sync.domain.errors import DomainError, ValidationError
from sync.domain.validation import normalize_phone

from .action_form import error_label
from .clerk_admin import ClerkServices, ClerksPage
from .entry_fields import normalise_as_typed
from .errors import show_error, user_message
from .id_reader_settings import IdReaderPage
from .ops import ReadOp, WriteOp
from .password_dialogs import ChangePasswordDialog, RecoveryCodeDialog
from .rare_char_dialog import attach_to

CODE_NOTE = "代办站编码由镇中心分配，每个办件号都以它开头，不能修改。"
HAS_CODE = "本站已设置恢复码。代办员忘记密码时，用它在登录窗口“忘记密码”或在“代办员”页“重设密码”。"
NO_CODE = "本站还没有恢复码：所有代办员都忘记密码时，加密的个人信息将无法打开。请立即生成并抄写。"
NEW_CODE_NOTE = "生成新的恢复码后，原来的恢复码立即失效（请同时更换镇为民服务中心保管的信封）。"
KEY_NOTE = "镇中心确认U盘文件时会核对此指纹：主任来电时，请逐组读出这24位数字。"
KEY_REGISTERED = "镇中心已登记本站的签名密钥。"
KEY_NOT_YET = "镇中心尚未告知已登记此密钥（联网同步时自动登记；只用U盘时，由主任电话核对指纹后登记）。"
KEY_LOCKED = "登录后显示"
KEYS_TAB = "U盘文件签名"
CENTER_NONE = "尚未收到（联网同步或导入镇中心的U盘文件后显示）"
CENTER_PENDING = (
    "镇中心的U盘文件带来了此密钥，尚未核对。请致电镇中心，请对方读出其“代办站”页上的“镇中心签名密钥指纹”，"
    "逐位输入下框核对；核对一致前，镇中心的U盘文件仍按原方式导入。"
)
CENTER_ONLINE = "已联网从镇中心取得，无需核对。"
CENTER_CONFIRMED = "已电话核对：今后只导入镇中心用此密钥签名的U盘文件。"


class StationSettings(Protocol):
    """What 代办站设置 needs of the station's services; every call but ``clerks`` runs on a worker thread."""

    def clerks(self) -> ClerkServices: ...
    def station(self) -> StationInfo: ...
    def current_clerk(self) -> ClerkInfo | None: ...
    def has_recovery_code(self) -> bool: ...
    def key_fingerprint(self) -> signing_keys.KeyFingerprint: ...
    def center_fingerprint(self) -> signing_keys.CenterFingerprint: ...
    def confirm_center_key(self, typed: str) -> str: ...
    def update_station(
        self, *, name: str, village: str, town: str, address: str = "", phone: str = ""
    ) -> StationInfo: ...
    def change_own_password(self, old_password: str, new_password: str, repeated: str) -> None: ...
    def new_recovery_code(self) -> str: ...
    def reader_url(self) -> str: ...
    def save_reader_url(self, url: str) -> str: ...
    def read_card(self) -> CardData: ...


@dataclass(frozen=True)
class _Loaded:
    station: StationInfo
    clerk_name: str
    has_code: bool
    key: signing_keys.KeyFingerprint
    center: signing_keys.CenterFingerprint


class StationSettingsDialog(QDialog):
    """代办站设置 (non-modal-friendly: opened with ``open()``)."""

    #: The station's data was saved (the new ``StationInfo``): the main window's title follows.
    station_saved = Signal(object)
    #: Anything changed: a message for the status line.
    settings_changed = Signal(str)

    def __init__(self, services: StationSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("代办站设置")
        self.setMinimumSize(760, 520)
        self.password_dialog: ChangePasswordDialog | None = None
        self.code_dialog: RecoveryCodeDialog | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._station_page(), "代办站信息")
        self.clerks_page = ClerksPage(services.clerks())
        self.clerks_page.clerks_changed.connect(self._tell)
        self.tabs.addTab(self.clerks_page, "代办员")
        self.tabs.addTab(self._security_page(), "密码与恢复码")
        self.reader_page = IdReaderPage(services.reader_url, services.save_reader_url, services.read_card)
        self.reader_page.reader_changed.connect(self._tell)
        self.tabs.addTab(self.reader_page, "身份证读卡器")
        self.keys_page = self._keys_page()
        self.tabs.addTab(self.keys_page, KEYS_TAB)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        buttons = QDialogButtonBox()
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.status_label, 1)
        footer.addWidget(buttons)
        layout.addLayout(footer)
        self.refresh()

    # ------------------------------------------------------------------ pages
    def _station_page(self) -> QWidget:
        page = QWidget()
        self.code_label = QLabel()
        self.name_edit = QLineEdit()
        self.village_edit = QLineEdit()
        self.town_edit = QLineEdit()
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText("选填，如 村委会一楼；打印在委托书“受托人”的住址一栏")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("选填，代办站的办公电话")
        normalise_as_typed(self.phone_edit, normalize_phone)
        self.station_fields: dict[str, QLineEdit] = {
            "station_name": self.name_edit,
            "village": self.village_edit,
            "town": self.town_edit,
            "station_address": self.address_edit,
            "station_phone": self.phone_edit,
        }
        form = QFormLayout()
        form.addRow("代办站编码", self.code_label)
        form.addRow("代办站名称", self.name_edit)
        form.addRow("村（居）", attach_to(self.village_edit))
        form.addRow("所属镇（街道）", attach_to(self.town_edit))
        form.addRow("代办站地址", attach_to(self.address_edit))
        form.addRow("代办站电话", self.phone_edit)
        note = QLabel(CODE_NOTE + "名称和地址打印在各类表单上；修改后新打印的表单使用新信息，已打印的表单不变。")
        note.setWordWrap(True)
        self.station_error = error_label()
        self.save_station_button = QPushButton("保存代办站信息")
        self.save_station_button.setDefault(True)
        self.save_station_button.clicked.connect(self.save_station)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_station_button)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addLayout(row)  # 保存 right under the fields it saves
        layout.addWidget(self.station_error)
        layout.addStretch(1)
        return page

    def _keys_page(self) -> QWidget:
        """Both fingerprints that are checked by phone: this station's (read out to the center's director) and
        the center's (read out by the center, typed here)."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._key_box())
        layout.addWidget(self._center_key_box())
        layout.addStretch(1)
        return page

    def _key_box(self) -> QGroupBox:
        box = QGroupBox("本站签名密钥指纹")
        self.fingerprint_label = QLabel(KEY_LOCKED)
        self.fingerprint_label.setObjectName("fingerprint")
        self.fingerprint_label.setStyleSheet("font-family: monospace; font-size: 20px; font-weight: bold;")
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_note_label = QLabel(KEY_NOTE)
        self.key_note_label.setWordWrap(True)
        self.key_state_label = QLabel()
        self.key_state_label.setWordWrap(True)
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.fingerprint_label)
        box_layout.addWidget(self.key_note_label)
        box_layout.addWidget(self.key_state_label)
        return box

    def _center_key_box(self) -> QGroupBox:
        box = QGroupBox("镇中心签名密钥指纹")
        self.center_fingerprint_label = QLabel(CENTER_NONE)
        self.center_fingerprint_label.setObjectName("center_fingerprint")
        self.center_fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.center_state_label = QLabel()
        self.center_state_label.setWordWrap(True)
        self.center_fingerprint_edit = QLineEdit()
        self.center_fingerprint_edit.setPlaceholderText("镇中心电话读出的24位数字，空格可省略")
        self.center_fingerprint_edit.setMaxLength(60)
        self.confirm_center_button = QPushButton("核对并保存")
        self.confirm_center_button.setAutoDefault(False)
        self.confirm_center_button.clicked.connect(self.confirm_center_key)
        self.center_error = error_label()
        self.center_confirm_row = QWidget()
        row = QHBoxLayout(self.center_confirm_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("镇中心读出的指纹"))
        row.addWidget(self.center_fingerprint_edit, 1)
        row.addWidget(self.confirm_center_button)
        self.center_confirm_row.hide()
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.center_fingerprint_label)
        box_layout.addWidget(self.center_state_label)
        box_layout.addWidget(self.center_confirm_row)
        box_layout.addWidget(self.center_error)
        return box

    def _security_page(self) -> QWidget:
        page = QWidget()
        mine = QGroupBox("我的密码")
        self.me_label = QLabel()
        self.change_password_button = QPushButton("修改我的密码…")
        self.change_password_button.setAutoDefault(False)
        self.change_password_button.clicked.connect(self.change_password)
        mine_layout = QHBoxLayout(mine)
        mine_layout.addWidget(self.me_label, 1)
        mine_layout.addWidget(self.change_password_button)
        code = QGroupBox("本站恢复码")
        self.code_state_label = QLabel()
        self.code_state_label.setWordWrap(True)
        new_note = QLabel(NEW_CODE_NOTE)
        new_note.setWordWrap(True)
        self.new_code_button = QPushButton("生成新的恢复码…")
        self.new_code_button.setAutoDefault(False)
        self.new_code_button.clicked.connect(self.make_recovery_code)
        help_note = QLabel(
            "镇中心协助：首次设置时抄写的恢复码，一份密封交镇为民服务中心保管。所有代办员都忘记密码时，"
            "请到镇中心取回信封，在登录窗口点击“忘记密码”重设。"
        )
        help_note.setWordWrap(True)
        code_layout = QVBoxLayout(code)
        code_layout.addWidget(self.code_state_label)
        code_layout.addWidget(help_note)
        code_layout.addWidget(new_note)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.new_code_button)
        code_layout.addLayout(button_row)
        self.security_error = error_label()
        layout = QVBoxLayout(page)
        layout.addWidget(mine)
        layout.addWidget(code)
        layout.addWidget(self.security_error)
        layout.addStretch(1)
        return page

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        services = self.services

        def load() -> _Loaded:
            clerk = services.current_clerk()
            return _Loaded(
                services.station(),
                f"{clerk.display_name}（{clerk.username}）" if clerk else "",
                services.has_recovery_code(),
                services.key_fingerprint(),
                services.center_fingerprint(),
            )

        ReadOp(self, "settings", load, self._show).failure(self._on_failed).run_in_background()
        self.clerks_page.refresh()

    def _show(self, loaded: _Loaded) -> None:
        info = loaded.station
        self.code_label.setText(info.code)
        for edit, text in (
            (self.name_edit, info.name),
            (self.village_edit, info.village),
            (self.town_edit, info.town),
            (self.address_edit, info.address),
            (self.phone_edit, info.phone),
        ):
            edit.setText(text)
        self.me_label.setText(f"当前登录：{loaded.clerk_name}" if loaded.clerk_name else "当前没有登录的代办员")
        self.change_password_button.setEnabled(bool(loaded.clerk_name))
        self._show_code_state(loaded.has_code)
        self.fingerprint_label.setText(loaded.key.fingerprint or KEY_LOCKED)
        self.key_state_label.setText(KEY_REGISTERED if loaded.key.registered else KEY_NOT_YET)
        self._show_center_key(loaded.center)

    def _show_center_key(self, center: signing_keys.CenterFingerprint) -> None:
        self.center_fingerprint_label.setText(center.fingerprint or CENTER_NONE)
        big = "font-family: monospace; font-size: 20px; font-weight: bold;"
        self.center_fingerprint_label.setStyleSheet(big if center.fingerprint else "")
        if center.pending:
            state = CENTER_PENDING
        else:
            state = (CENTER_CONFIRMED if center.confirmed else CENTER_ONLINE) if center.fingerprint else ""
        self.center_state_label.setText(state)
        self.center_state_label.setVisible(bool(state))
        self.center_confirm_row.setVisible(center.pending)

    # ------------------------------------------------------------------ the center's key
    def confirm_center_key(self) -> None:
        """The fingerprint the center read by phone: on a match its key is kept, else a message and no change."""
        services, typed = self.services, self.center_fingerprint_edit.text()
        self.center_error.hide()
        self.confirm_center_button.setEnabled(False)

        def confirm() -> tuple[str, signing_keys.CenterFingerprint]:
            return services.confirm_center_key(typed), services.center_fingerprint()

        check = WriteOp(self, None, confirm)  # on a match the center's key is kept
        check.success(self._on_center_confirmed).failure(self._on_center_failed).run_in_background()

    def _on_center_confirmed(self, done: tuple[str, signing_keys.CenterFingerprint]) -> None:
        message, center = done
        self.confirm_center_button.setEnabled(True)
        self.center_fingerprint_edit.clear()
        self._show_center_key(center)
        self._tell(message)

    def _on_center_failed(self, exc: BaseException) -> None:
        self.confirm_center_button.setEnabled(True)
        if not isinstance(exc, DomainError):
            show_error(self, exc)
            return
        self.center_error.setText(user_message(exc))
        self.center_error.show()
        self.center_fingerprint_edit.setFocus()

    def _show_code_state(self, has_code: bool) -> None:
        self.code_state_label.setText(HAS_CODE if has_code else NO_CODE)
        self.code_state_label.setStyleSheet("" if has_code else "color: #c62828; font-weight: bold;")

    # ------------------------------------------------------------------ station data
    def save_station(self) -> None:
        services = self.services
        values = {
            "name": self.name_edit.text(),
            "village": self.village_edit.text(),
            "town": self.town_edit.text(),
            "address": self.address_edit.text(),
            "phone": self.phone_edit.text(),
        }
        self.station_error.hide()
        self.save_station_button.setEnabled(False)
        save = WriteOp(self, None, lambda: services.update_station(**values))
        save.success(self._on_station_saved).failure(self._on_station_failed).run_in_background()

    def _on_station_saved(self, info: StationInfo) -> None:
        self.save_station_button.setEnabled(True)
        self.address_edit.setText(info.address)
        self.phone_edit.setText(info.phone)
        self.station_saved.emit(info)
        self._tell("代办站信息已保存")

    def _on_station_failed(self, exc: BaseException) -> None:
        self.save_station_button.setEnabled(True)
        if not isinstance(exc, DomainError):
            show_error(self, exc)
            return
        self.station_error.setText(user_message(exc))
        self.station_error.show()
        field = self.station_fields.get(exc.field) if isinstance(exc, ValidationError) else None
        if field is not None:
            field.setFocus()

    # ------------------------------------------------------------------ passwords
    def change_password(self) -> ChangePasswordDialog:
        dialog = ChangePasswordDialog(
            self.services.change_own_password, self.me_label.text().removeprefix("当前登录："), self
        )
        dialog.saved.connect(lambda changed: self._tell(changed.message))
        self.password_dialog = dialog
        dialog.open()
        return dialog

    def make_recovery_code(self) -> None:
        self.security_error.hide()
        self.new_code_button.setEnabled(False)
        make = WriteOp(self, None, self.services.new_recovery_code)
        make.success(self._show_new_code).failure(self._on_code_failed).run_in_background()

    def _show_new_code(self, code: str) -> None:
        self.new_code_button.setEnabled(True)
        self._show_code_state(True)
        dialog = RecoveryCodeDialog(code, self)
        self.code_dialog = dialog
        dialog.open()
        self._tell("已生成新的恢复码，原来的恢复码已失效")

    def _on_code_failed(self, exc: BaseException) -> None:
        self.new_code_button.setEnabled(True)
        self._on_failed(exc)

    # ------------------------------------------------------------------ messages
    def _tell(self, message: str) -> None:
        self.status_label.setText(message)
        self.settings_changed.emit(message)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self.security_error.setText(user_message(exc))
            self.security_error.show()
        else:
            show_error(self, exc)
