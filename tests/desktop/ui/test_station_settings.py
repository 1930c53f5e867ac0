"""数据 → 代办站设置, driven through the real widgets: clerks, passwords, the recovery code, station data."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.services import accounts, clerk_identity, station_admin
from desktop.services.context import ServiceContext
from desktop.services.safety.audit import reveal_id_number
from desktop.services.station import current_station
from desktop.services.syncing import signing_keys
from desktop.ui.facade import StationFacade
from desktop.ui.main_window import MainWindow
from desktop.ui.station_settings_dialog import StationSettingsDialog
from sync.client.transfer import CenterFile
from sync.domain.errors import DomainError
from sync.protocol.transfer import key_fingerprint, public_key_hex

from ..services.test_clerk_identity import CLERK_PHONE, clerk_id
from ..services.test_personal_data import ID
from ..services.workflow_helpers import registered
from .case_page import wait_error
from .keyboard import type_text
from .test_password_recovery import tick

CLICK = Qt.MouseButton.LeftButton
TIMEOUT = 5000


@pytest.fixture
def code(ctx: ServiceContext) -> str:
    """The station's first clerk (admin) logged in, and its recovery code."""
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.login(ctx, "admin", "mima123456")
    return station_admin.new_recovery_code(ctx)


@pytest.fixture
def settings(qtbot: QtBot, ctx: ServiceContext, code: str) -> StationSettingsDialog:
    """代办站设置 opened from the main window's 数据 menu, its lists loaded."""
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    window.show()
    window.settings_action.trigger()
    dialog = window.settings_dialog
    loaded = lambda: dialog.name_edit.text() == "城南村代办站" and bool(dialog.clerks_page.clerks)  # noqa: E731
    qtbot.waitUntil(loaded, timeout=TIMEOUT)
    return dialog


def _add_clerk(qtbot: QtBot, dialog: StationSettingsDialog) -> None:
    page = dialog.clerks_page
    dialog.tabs.setCurrentWidget(page)
    qtbot.mouseClick(page.add_button, CLICK)
    add = page.dialog
    assert add is not None
    type_text(qtbot, add.name_edit, "张代办")  # type: ignore[attr-defined]
    type_text(qtbot, add.username_edit, "zhang")  # type: ignore[attr-defined]
    type_text(qtbot, add.id_edit, clerk_id())  # type: ignore[attr-defined]
    type_text(qtbot, add.phone_edit, CLERK_PHONE)  # type: ignore[attr-defined]
    type_text(qtbot, add.password_edit, "zhang-mima-1")  # type: ignore[attr-defined]
    type_text(qtbot, add.repeat_edit, "zhang-mima-1")  # type: ignore[attr-defined]
    qtbot.mouseClick(add.ok_button, CLICK)
    qtbot.waitUntil(lambda: len(page.clerks) == 2, timeout=TIMEOUT)


def _row_text(dialog: StationSettingsDialog, username: str) -> str:
    table = dialog.clerks_page.table
    for row in range(table.rowCount()):
        cells = [table.item(row, c).text() for c in range(table.columnCount())]
        if cells[0] == username:
            return " ".join(cells)
    raise AssertionError(username)


def test_add_a_clerk_then_log_in_as_them(qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog) -> None:
    _add_clerk(qtbot, settings)
    row = _row_text(settings, "zhang")
    assert "张代办" in row and "139****5678" in row and clerk_id() not in row and "可用" in row
    assert "当前登录" in _row_text(settings, "admin")
    assert "已添加代办员 张代办" in settings.status_label.text()
    assert accounts.login(ctx, "zhang", "zhang-mima-1").display_name == "张代办"
    assert clerk_identity.identity_of(ctx, "zhang").id_number == clerk_id()


def test_deactivate_another_clerk_but_never_oneself(
    qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog
) -> None:
    _add_clerk(qtbot, settings)
    page = settings.clerks_page
    page.select("admin")
    assert not page.active_button.isEnabled() and not page.reset_button.isEnabled()  # oneself
    page.select("zhang")
    assert page.active_button.text() == "停用"
    qtbot.mouseClick(page.active_button, CLICK)
    qtbot.waitUntil(lambda: "已停用" in _row_text(settings, "zhang"), timeout=TIMEOUT)
    assert page.active_button.text() == "启用"
    with pytest.raises(DomainError, match="已停用"):
        accounts.login(ctx, "zhang", "zhang-mima-1")
    with pytest.raises(DomainError):  # the last active clerk is the one logged in: both rules refuse
        accounts.set_active(ctx, "admin", False)
    qtbot.mouseClick(page.active_button, CLICK)
    qtbot.waitUntil(lambda: "可用" in _row_text(settings, "zhang"), timeout=TIMEOUT)


def test_reset_another_clerks_password_with_the_recovery_code_then_read_a_case(
    qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog, code: str
) -> None:
    case_id = registered(ctx)
    _add_clerk(qtbot, settings)
    page = settings.clerks_page
    page.select("zhang")
    qtbot.mouseClick(page.reset_button, CLICK)
    reset = page.dialog
    assert reset is not None and reset.username_edit.text() == "zhang"  # type: ignore[attr-defined]
    type_text(qtbot, reset.code_edit, "0" * 24)  # type: ignore[attr-defined]
    type_text(qtbot, reset.new_edit, "zhang-xin-2")  # type: ignore[attr-defined]
    type_text(qtbot, reset.repeat_edit, "zhang-xin-2")  # type: ignore[attr-defined]
    qtbot.mouseClick(reset.ok_button, CLICK)
    wait_error(qtbot, reset, "恢复码不正确")
    reset.code_edit.clear()  # type: ignore[attr-defined]
    type_text(qtbot, reset.code_edit, code)  # type: ignore[attr-defined]
    qtbot.mouseClick(reset.ok_button, CLICK)
    qtbot.waitUntil(lambda: reset.result() == QDialog.DialogCode.Accepted, timeout=TIMEOUT)
    with pytest.raises(DomainError, match="登录名或密码不正确"):
        accounts.login(ctx, "zhang", "zhang-mima-1")
    accounts.login(ctx, "zhang", "zhang-xin-2")
    assert reveal_id_number(ctx, case_id, "核对委托书") == ID


def test_change_own_password_then_the_old_one_fails(
    qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog
) -> None:
    settings.tabs.setCurrentIndex(2)
    assert "李代办（admin）" in settings.me_label.text()
    qtbot.mouseClick(settings.change_password_button, CLICK)
    change = settings.password_dialog
    assert change is not None
    type_text(qtbot, change.old_edit, "mima123456")
    type_text(qtbot, change.new_edit, "xin-mima-9")
    type_text(qtbot, change.repeat_edit, "xin-mima-0")
    qtbot.mouseClick(change.ok_button, CLICK)
    wait_error(qtbot, change, "两次输入的新密码不一致")
    assert change.focusWidget() is change.repeat_edit
    change.repeat_edit.clear()
    type_text(qtbot, change.repeat_edit, "xin-mima-9")
    qtbot.mouseClick(change.ok_button, CLICK)
    qtbot.waitUntil(lambda: change.result() == QDialog.DialogCode.Accepted, timeout=TIMEOUT)
    assert "密码已修改" in settings.status_label.text()
    with pytest.raises(DomainError, match="登录名或密码不正确"):
        accounts.login(ctx, "admin", "mima123456")
    accounts.login(ctx, "admin", "xin-mima-9")


def test_a_new_recovery_code_is_shown_once_and_the_old_one_stops(
    qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog, code: str
) -> None:
    settings.tabs.setCurrentIndex(2)
    assert "已设置恢复码" in settings.code_state_label.text()
    qtbot.mouseClick(settings.new_code_button, CLICK)
    qtbot.waitUntil(lambda: settings.code_dialog is not None, timeout=TIMEOUT)
    shown = settings.code_dialog
    assert shown is not None and shown.code != code and len(shown.code) == 29
    tick(qtbot, shown)
    qtbot.mouseClick(shown.ok_button, CLICK)
    with pytest.raises(DomainError, match="恢复码不正确"):
        station_admin.reset_password(ctx, "admin", code, "xin-mima-7")
    station_admin.reset_password(ctx, "admin", shown.code, "xin-mima-7")


def test_station_data_is_saved_and_the_window_title_follows(
    qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog
) -> None:
    assert settings.code_label.text() == "CS01"
    settings.name_edit.clear()
    qtbot.mouseClick(settings.save_station_button, CLICK)
    wait_error_label = settings.station_error
    qtbot.waitUntil(lambda: "代办站名称" in wait_error_label.text() and wait_error_label.isVisible(), timeout=TIMEOUT)
    assert settings.focusWidget() is settings.name_edit
    type_text(qtbot, settings.name_edit, "城南社区代办站")
    type_text(qtbot, settings.address_edit, "城南路1号")
    type_text(qtbot, settings.phone_edit, "0731-8888888")
    qtbot.mouseClick(settings.save_station_button, CLICK)
    window = settings.parent()
    assert isinstance(window, MainWindow)
    qtbot.waitUntil(lambda: "城南社区代办站" in window.windowTitle(), timeout=TIMEOUT)
    saved = current_station(ctx)
    assert saved is not None and (saved.address, saved.phone, saved.code) == ("城南路1号", "0731-8888888", "CS01")
    assert not settings.station_error.isVisible()


def test_switch_user_offers_forgotten_password(qtbot: QtBot, ctx: ServiceContext, code: str) -> None:
    window = MainWindow(StationFacade(ctx))
    qtbot.addWidget(window)
    window.show()
    login = window.switch_user()
    assert login.forgot_button.isVisible()
    type_text(qtbot, login.username_edit, "admin")
    reset = login.forgot_password()
    assert reset is not None and reset.username_edit.text() == "admin"
    type_text(qtbot, reset.code_edit, code)
    type_text(qtbot, reset.new_edit, "xin-mima-5")
    type_text(qtbot, reset.repeat_edit, "xin-mima-5")
    qtbot.mouseClick(reset.ok_button, CLICK)
    qtbot.waitUntil(lambda: reset.result() == QDialog.DialogCode.Accepted, timeout=TIMEOUT)
    type_text(qtbot, login.password_edit, "xin-mima-5")
    qtbot.mouseClick(login.ok_button, CLICK)
    qtbot.waitUntil(lambda: login.result() == QDialog.DialogCode.Accepted, timeout=TIMEOUT)


def test_a_clerks_id_and_phone_are_corrected_from_the_list(
    qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog
) -> None:
    page = settings.clerks_page
    settings.tabs.setCurrentWidget(page)
    page.select("admin")
    qtbot.mouseClick(page.identity_button, CLICK)
    edit = page.dialog
    assert edit is not None and "未填写" in edit.intro_label.text()
    type_text(qtbot, edit.id_edit, clerk_id())  # type: ignore[attr-defined]
    type_text(qtbot, edit.phone_edit, CLERK_PHONE)  # type: ignore[attr-defined]
    qtbot.mouseClick(edit.ok_button, CLICK)
    qtbot.waitUntil(lambda: "139****5678" in _row_text(settings, "admin"), timeout=TIMEOUT)
    assert clerk_identity.identity_of(ctx, "admin") == clerk_identity.ClerkIdentity(clerk_id(), CLERK_PHONE)


def test_the_station_tab_shows_the_signing_keys_fingerprint(
    qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog
) -> None:
    """The fingerprint the director checks by phone before he registers a key a USB file brought."""
    expected = key_fingerprint(public_key_hex(signing_keys.station_key(ctx)))
    qtbot.waitUntil(lambda: settings.fingerprint_label.text() == expected, timeout=TIMEOUT)
    settings.tabs.setCurrentWidget(settings.keys_page)
    assert settings.tabs.tabText(settings.tabs.currentIndex()) == "U盘文件签名"
    assert settings.fingerprint_label.isVisible()
    assert re.fullmatch(r"(\d{4} ){5}\d{4}", expected)
    assert "镇中心确认U盘文件时会核对此指纹" in settings.key_note_label.text()
    assert "尚未告知已登记" in settings.key_state_label.text()


def test_the_centers_key_from_a_usb_file_is_kept_only_after_its_fingerprint_is_typed(
    qtbot: QtBot, ctx: ServiceContext, settings: StationSettingsDialog
) -> None:
    """A return file named the center's key: the clerk types what the center reads out; a wrong one is refused."""
    center = public_key_hex(Ed25519PrivateKey.generate())
    signing_keys.note_center_file(ctx, CenterFile([], center, None, None))
    settings.refresh()
    settings.tabs.setCurrentWidget(settings.keys_page)
    shown = key_fingerprint(center)
    qtbot.waitUntil(lambda: settings.center_fingerprint_label.text() == shown, timeout=TIMEOUT)
    assert settings.center_confirm_row.isVisible() and "尚未核对" in settings.center_state_label.text()
    assert signing_keys.import_key(ctx) is None  # until confirmed, return files are still read on the HMAC

    wrong = shown[:-1] + str((int(shown[-1]) + 1) % 10)
    type_text(qtbot, settings.center_fingerprint_edit, wrong)
    qtbot.mouseClick(settings.confirm_center_button, CLICK)
    qtbot.waitUntil(settings.center_error.isVisible, timeout=TIMEOUT)
    assert "指纹不符" in settings.center_error.text() and settings.center_confirm_row.isVisible()
    assert signing_keys.import_key(ctx) is None and signing_keys.center_key(ctx).pending == center

    settings.center_fingerprint_edit.clear()
    type_text(qtbot, settings.center_fingerprint_edit, shown.replace(" ", ""))
    qtbot.mouseClick(settings.confirm_center_button, CLICK)
    qtbot.waitUntil(lambda: not settings.center_confirm_row.isVisible(), timeout=TIMEOUT)
    assert "已电话核对" in settings.center_state_label.text() and settings.center_fingerprint_label.text() == shown
    assert "镇中心签名密钥指纹核对一致" in settings.status_label.text()
    imported = signing_keys.import_key(ctx)
    assert imported is not None and imported.public_bytes_raw().hex() == center
