"""The services as the UI sees them, with the one ``changed`` signal views refresh from.

The one module of the screens that holds the session's ``ServiceContext``: it binds the services to it,
as ``StationFacade`` and as the narrow sources the self-contained dialogs declare (``LedgerSource``,
``StationSettings``, ``Backups``). No screen names ``StationFacade``: each takes the ``Protocol`` of what it
calls (the main window's ``StationServices``, the case page's ``CasePageServices``…), which the facade has
(``tests/desktop/ui/test_screen_interfaces.py``); no screen touches the context or the store
(``tests/desktop/ui/test_screens_seam.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal

from desktop.services import about, accounts, clerk_identity, station, station_admin
from desktop.services.casework import (
    applicants,
    attachments,
    case_detail,
    cases,
    feedback,
    handovers,
    home,
    id_reader,
    item_search,
    next_steps,
    registration_draft,
    workflow,
)
from desktop.services.casework.item_search import ItemChoice
from desktop.services.casework.next_steps import NextSteps
from desktop.services.casework.records import (
    CaseDetail,
    CaseDraft,
    CaseFilter,
    CaseSummary,
    Changed,
    ClerkInfo,
    FeedbackDraft,
    FeedbackInput,
    HandoverDraft,
    HandoverInput,
    HomeView,
    ReturnInput,
    SignedContent,
    StationInfo,
    StepConfirmation,
)
from desktop.services.casework.registration_draft import RegistrationDraft
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms
from desktop.services.printing import ledger as printing_ledger
from desktop.services.printing.support import PrintableForm
from desktop.services.safety import audit, backup, retention
from desktop.services.safety.audit import AuditEntry
from desktop.services.safety.backup import Restored
from desktop.services.syncing import center_address, center_sync, signing_keys, transfer, updates
from sync.domain.calendar import HolidayCalendar
from sync.domain.catalog import Catalog
from sync.domain.clock import Clock

from .backup_dialog import Listing, listing
from .clerk_admin import ClerkServices
from .ledger_dialog import Progress
from .ops import ChangeHub


class StationFacade(ChangeHub):
    """Thin adapter: every method may run on a worker thread (no widgets here); ``changed`` is the hub's."""

    #: The cases being pushed now (frozenset of case ids; empty when the batch is answered). Emitted on the
    #: sync worker's thread, so connected slots of GUI objects run queued on the GUI thread.
    sync_in_flight = Signal(object)

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._shown_in_flight: frozenset[str] = frozenset()

    @property
    def station(self) -> StationInfo:
        return station.require_station(self.ctx)

    @property
    def catalog(self) -> Catalog:
        return self.ctx.catalog

    @property
    def clock(self) -> Clock:
        """The station's one clock (Beijing time)."""
        return self.ctx.clock

    @property
    def calendar(self) -> HolidayCalendar:
        """The working days the deadlines count (延期's new date)."""
        return self.ctx.calendar

    def today(self) -> date:
        return self.ctx.today()

    # --- the self-contained dialogs' sources ---
    def ledger_source(self) -> ServiceLedgerSource:
        return ServiceLedgerSource(self.ctx)

    def station_settings(self) -> StationSettingsServices:
        return StationSettingsServices(self.ctx)

    def backups(self) -> BackupServices:
        return BackupServices(self.ctx)

    # --- cases ---
    def register_case(self, draft: CaseDraft) -> Changed:
        return cases.register_case(self.ctx, draft)

    def prepare_registration(self, draft: CaseDraft) -> SignedContent:
        return cases.prepare_registration(self.ctx, draft)

    def item_choices(self) -> list[ItemChoice]:
        """The service items, spelled in pinyin, this station's most used first (for the 办理事项 chooser)."""
        return item_search.item_choices(self.ctx)

    def other_names(self, id_number: str, name: str) -> list[str]:
        """Other names this station registered ``id_number`` under (a warning in the new-case dialog)."""
        return applicants.other_names(self.ctx, id_number, name)

    def read_id_card(self) -> id_reader.CardData:
        """The 身份证 on the station's reader (blocks: run it with ``run_task``)."""
        return id_reader.read_station_card(self.ctx)

    def keep_registration_draft(self, draft: RegistrationDraft) -> None:
        registration_draft.keep_draft(self.ctx, draft)

    def load_registration_draft(self) -> RegistrationDraft | None:
        return registration_draft.load_draft(self.ctx)

    def forget_registration_draft(self) -> None:
        registration_draft.forget_draft(self.ctx)

    def clerk_name(self) -> str:
        """The logged-in clerk, who signs the 委托书 and the handovers as 代办员."""
        return station.require_station(self.ctx).clerk

    def search_cases(self, case_filter: CaseFilter) -> list[CaseSummary]:
        return cases.search_cases(self.ctx, case_filter)

    def home(self) -> HomeView:
        return home.home(self.ctx)

    def case_detail(self, case_id: str) -> CaseDetail:
        return case_detail.case_detail(self.ctx, case_id)

    # --- workflow (each one transaction; refusals raise DomainError / ValidationError) ---
    def request_correction(self, case_id: str, extra_missing: Sequence[str] = (), note: str = "") -> Changed:
        return workflow.request_correction(self.ctx, case_id, extra_missing, note)

    def supplement_received(self, case_id: str, received: Sequence[str]) -> Changed:
        return workflow.supplement_received(self.ctx, case_id, received)

    def deliver(self, case_id: str, handover: HandoverInput | None = None) -> Changed:
        return workflow.deliver(self.ctx, case_id, handover)

    def archive(self, case_id: str) -> Changed:
        return workflow.archive(self.ctx, case_id)

    def withdraw(self, case_id: str, reason: str) -> Changed:
        return workflow.withdraw(self.ctx, case_id, reason)

    def return_case(self, case_id: str, data: ReturnInput) -> Changed:
        return workflow.return_case(self.ctx, case_id, data)

    def extend(self, case_id: str, new_due_on: date, reason: str, consent: bool, approved_by: str = "") -> Changed:
        return workflow.extend(self.ctx, case_id, new_due_on, reason, consent, approved_by)

    def prepare_step(self, case_id: str, action: str, reason: str, restart_condition: str = "") -> SignedContent:
        return workflow.prepare_step(self.ctx, case_id, action, reason, restart_condition)

    def suspend(self, case_id: str, reason: str, restart_condition: str, confirmation: StepConfirmation) -> Changed:
        return workflow.suspend(self.ctx, case_id, reason, restart_condition, confirmation)

    def resume(self, case_id: str, reason: str, confirmation: StepConfirmation) -> Changed:
        return workflow.resume(self.ctx, case_id, reason, confirmation)

    def terminate(self, case_id: str, reason: str) -> Changed:
        return workflow.terminate(self.ctx, case_id, reason)

    def answer_consult(self, case_id: str, answer: str = "") -> Changed:
        return workflow.answer_consult(self.ctx, case_id, answer)

    def override_case_type(self, case_id: str, case_type: str, reason: str) -> Changed:
        return workflow.override_case_type(self.ctx, case_id, case_type, reason)

    # --- handovers and feedback ---
    def prepare_handover(self, case_id: str, draft: HandoverDraft) -> SignedContent:
        return handovers.prepare_handover(self.ctx, case_id, draft)

    def record_handover(self, case_id: str, handover: HandoverInput) -> Changed:
        return handovers.record_handover(self.ctx, case_id, handover)

    def record_covered_intake(self, case_id: str) -> Changed:
        """申请人 → 代办员 交接 of the registered materials, on the 委托书's signatures."""
        return handovers.record_covered_intake(self.ctx, case_id)

    def next_steps(self, case_id: str) -> NextSteps:
        """The prints and the intake handover a new case needs while the villager is there."""
        return next_steps.next_steps(self.ctx, case_id)

    def prepare_feedback(self, case_id: str, draft: FeedbackDraft) -> SignedContent:
        return feedback.prepare_feedback(self.ctx, case_id, draft)

    def give_feedback(self, case_id: str, data: FeedbackInput) -> Changed:
        return feedback.give_feedback(self.ctx, case_id, data)

    # --- attachments ---
    def add_attachment(self, case_id: str, path: Path, note: str = "") -> Changed:
        return attachments.add_attachment(self.ctx, case_id, path, note)

    def add_attachment_bytes(self, case_id: str, data: bytes, filename: str, note: str = "") -> Changed:
        return attachments.add_attachment_bytes(self.ctx, case_id, data, filename, note)

    def thumbnail(self, sha256: str) -> bytes | None:
        return attachments.thumbnail(self.ctx, sha256)

    # --- accounts ---
    def login(self, username: str, password: str) -> ClerkInfo:
        return accounts.login(self.ctx, username, password)

    def reset_password(self, username: str, recovery_code: str, new_password: str) -> ClerkInfo:
        """忘记密码 at 切换用户: the recovery code sets a new password."""
        return station_admin.reset_password(self.ctx, username, recovery_code, new_password)

    # --- printing and sync ---
    def entrustment_pdf(self, case_id: str) -> bytes:
        return case_forms.entrustment_pdf(self.ctx, case_id)

    def printable_forms(self, case_id: str) -> list[PrintableForm]:
        return case_forms.printable_forms(self.ctx, case_id)

    def form_pdf(self, case_id: str, key: str, event_id: str | None = None) -> bytes:
        return case_forms.form_pdf(self.ctx, case_id, key, event_id)

    def sync_status(self) -> str:
        return center_sync.status(self.ctx).label

    def sync_now_with_progress(self, report: Callable[[int, int], None]) -> Changed:
        return center_sync.sync_now(self.ctx, progress=report, in_flight=self._report_in_flight)

    def _report_in_flight(self, case_ids: frozenset[str]) -> None:
        """同步中 on and off: the cases entering or leaving the batch refresh in every view."""
        touched = case_ids | self._shown_in_flight
        self._shown_in_flight = case_ids
        self.sync_in_flight.emit(case_ids)
        if touched:
            self.changed.emit(Changed(case_ids=tuple(sorted(touched)), sync=True))

    def reveal_id_number(self, case_id: str, purpose: str) -> str:
        return audit.reveal_id_number(self.ctx, case_id, purpose)

    def export_to_file(self, path: Path) -> Changed:
        return transfer.export_to_file(self.ctx, path)

    def save_case_pdf(self, case_id: str, title: str, path: str, data: bytes) -> str:
        """另存为PDF of a case's form: written and recorded as an export of that case."""
        return str(audit.save_case_pdf(self.ctx, case_id, title, path, data))

    def record_case_form_print(self, case_id: str, title: str, printer: str, pages: int) -> None:
        """A case's form sent to a printer: recorded as an export of that case."""
        audit.record_case_form_print(self.ctx, case_id, title, printer, pages)

    def about_info(self) -> about.AboutInfo:
        return about.about(self.ctx)

    def archive_expired(self) -> retention.RetentionRun:
        return retention.archive_expired(self.ctx)

    def import_from_file(self, path: Path) -> Changed:
        return transfer.import_from_file(self.ctx, path)

    def connect_center(self, server_url: str, enrollment_code: str, allow_http: bool = False) -> Changed:
        return center_sync.connect_center(self.ctx, server_url, enrollment_code, allow_http=allow_http)

    def center_link_warning(self) -> str:
        return center_address.link_warning(self.ctx)

    def update_offer(self) -> updates.UpdateOffer | None:
        """新版本可用: the newer release the center signed, if any (``updates``)."""
        return updates.current_offer(self.ctx)

    def request_update_install(self) -> str:
        """The clerk's 下次启动时安装; what to tell the clerk."""
        return updates.request_install(self.ctx)

    def center_address(self) -> center_address.CenterAddress | None:
        """The address this station connected to, for 连接镇中心."""
        return center_address.remembered(self.ctx)

    def unlock_sync(self, password: str) -> None:
        """解锁同步凭证 with the clerk's password (a wrong one raises a Chinese DomainError)."""
        accounts.unlock_sync(self.ctx, password)


class ServiceLedgerSource:
    """``LedgerSource`` over the printing services of one station."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def today(self) -> date:
        return self.ctx.today()

    def ledger_pdf(self, start: date, end: date, progress: Progress) -> bytes:
        return printing_ledger.ledger_pdf(self.ctx, start, end, progress)

    def ledger_xlsx(self, start: date, end: date, progress: Progress) -> bytes:
        return printing_ledger.ledger_xlsx(self.ctx, start, end, progress)

    def archive_list_pdf(self, year: int, quarter: int, progress: Progress) -> bytes:
        return printing_ledger.archive_list_pdf(self.ctx, year, quarter, progress)

    def archive_list_xlsx(self, year: int, quarter: int, progress: Progress) -> bytes:
        return printing_ledger.archive_list_xlsx(self.ctx, year, quarter, progress)

    def archive_register_pdf(self, year: int, progress: Progress) -> bytes:
        return printing_ledger.archive_register_pdf(self.ctx, year, progress)

    def save_ledger(self, path: str, data: bytes, start: date, end: date, excel: bool) -> str:
        """Write the file and record the export (who, when, period, case count, file)."""
        return str(printing_ledger.save_ledger(self.ctx, path, data, start, end, excel))

    def save_archive_list(self, path: str, data: bytes, year: int, quarter: int, excel: bool) -> str:
        return str(printing_ledger.save_archive_list(self.ctx, path, data, year, quarter, excel))

    def save_archive_register(self, path: str, data: bytes) -> str:
        """The blank register saved from its preview (no personal data: no export record)."""
        return str(printing_ledger.save_archive_register(path, data))

    def record_ledger_print(self, start: date, end: date, printer: str, pages: int) -> None:
        """The 台账 printed on paper: recorded like an export (printer and pages instead of a file)."""
        record = printing_ledger.ledger_record(self.ctx, start, end, "ledger_print")
        audit.record_print(self.ctx, record, printer, pages)

    def record_archive_list_print(self, year: int, quarter: int, printer: str, pages: int) -> None:
        record = printing_ledger.archive_list_record(self.ctx, year, quarter, "archive_list_print")
        audit.record_print(self.ctx, record, printer, pages)

    def audit_log(self) -> list[AuditEntry]:
        return audit.audit_log(self.ctx)


class StationSettingsServices:
    """``StationSettings`` (代办站设置) over the station's services."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def clerks(self) -> ClerkServices:
        ctx = self.ctx
        return ClerkServices(
            list_clerks=partial(accounts.list_clerks, ctx),
            current_clerk=partial(accounts.current_clerk, ctx),
            create_clerk=partial(accounts.create_clerk, ctx),
            set_identity=partial(clerk_identity.set_identity, ctx),
            set_active=partial(accounts.set_active, ctx),
            reset_password=partial(station_admin.reset_password, ctx),
        )

    def station(self) -> StationInfo:
        return station.require_station(self.ctx)

    def current_clerk(self) -> ClerkInfo | None:
        return accounts.current_clerk(self.ctx)

    def has_recovery_code(self) -> bool:
        return station_admin.has_recovery_code(self.ctx)

    def key_fingerprint(self) -> signing_keys.KeyFingerprint:
        return signing_keys.fingerprint(self.ctx)

    def center_fingerprint(self) -> signing_keys.CenterFingerprint:
        return signing_keys.center_fingerprint(self.ctx)

    def confirm_center_key(self, typed: str) -> str:
        return signing_keys.confirm_center_key(self.ctx, typed)

    def update_station(self, *, name: str, village: str, town: str, address: str = "", phone: str = "") -> StationInfo:
        return station.update_station(self.ctx, name=name, village=village, town=town, address=address, phone=phone)

    def change_own_password(self, old_password: str, new_password: str, repeated: str) -> None:
        station_admin.change_own_password(self.ctx, old_password, new_password, repeated)

    def new_recovery_code(self) -> str:
        return station_admin.new_recovery_code(self.ctx)

    def reader_url(self) -> str:
        return id_reader.station_reader_url(self.ctx)

    def save_reader_url(self, url: str) -> str:
        return id_reader.save_station_reader_url(self.ctx, url)

    def read_card(self) -> id_reader.CardData:
        return id_reader.read_station_card(self.ctx)


class BackupServices:
    """``Backups`` (数据备份与恢复) of the station's database."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def listing(self) -> Listing:
        ctx = self.ctx
        return listing(backup.backup_folder(ctx), backup.default_backup_folder(ctx), ctx.db.data_dir)

    def backup_now(self) -> backup.BackupInfo:
        return backup.backup_now(self.ctx)

    def set_folder(self, folder: Path | None) -> Path:
        return backup.set_backup_folder(self.ctx, folder)

    def restore(self, path: Path) -> Restored:
        """Closes the station database first."""
        return backup.restore_backup(self.ctx, path)
