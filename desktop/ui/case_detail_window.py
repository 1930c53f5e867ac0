"""The case page: who, what, where each original is, the history and the next actions.

Everything is read through ``case_detail`` in the background and redrawn when
``facade.changed`` names this case. Action buttons come from the state
machine's allowed actions; a refusal is shown in red on the page.
"""

from __future__ import annotations

from functools import partial
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.casework.records import CaseDetail, Changed, StationInfo
from desktop.services.printing.support import PrintableForm
from sync.domain.case_rules import FINISHED, CaseState
from sync.domain.model import SPECIAL_GROUP_LABELS
from sync.domain.validation import mask_id_number

from .case_actions import CaseActions, CaseActionServices, offered
from .case_sections import AttachmentsView, CustodyView, HistoryView, MaterialsView
from .errors import user_message
from .ops import ReadOp, WriteOp
from .print_preview import CaseFormExports, PrintPreviewDialog, case_form_preview
from .tasks import run_task

BADGE = "padding: 3px 10px; border-radius: 10px; font-weight: bold; color: white; background: {};"
STATE_COLORS = {"待补正": "#b26a00", "已办结": "#1565c0", "退回": "#6d4c41", "已归档": "#546e7a"}
SYNC_COLORS = {"已同步": "#2e7d32", "同步中": "#1565c0", "被拒绝": "#c62828", "有冲突": "#c62828"}
#: Actions that end a case early: drawn in red so they are not clicked by habit.
DESTRUCTIVE = frozenset({"return", "withdraw", "terminate"})
MESSAGE_OK = "color: #2e7d32; font-weight: bold;"
MESSAGE_REFUSED = "color: #c62828; font-weight: bold; background: #fdecea; padding: 6px; border-radius: 4px;"


class CasePageServices(CaseActionServices, CaseFormExports, Protocol):
    """What the case page needs (the facade has it): the case and its forms, read on a worker thread, the
    actions' services, and where a form saved or printed from its preview is recorded."""

    @property
    def station(self) -> StationInfo: ...
    def case_detail(self, case_id: str) -> CaseDetail: ...
    def thumbnail(self, sha256: str) -> bytes | None: ...
    def printable_forms(self, case_id: str) -> list[PrintableForm]: ...
    def form_pdf(self, case_id: str, key: str, event_id: str | None = None) -> bytes: ...
    def reveal_id_number(self, case_id: str, purpose: str) -> str: ...


class CaseDetailWindow(QDialog):
    def __init__(self, facade: CasePageServices, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facade, self.case_id = facade, case_id
        self.detail: CaseDetail | None = None
        self.preview: PrintPreviewDialog | None = None
        self.setWindowTitle("办件详情")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1080, 760)
        self.case_actions = CaseActions(facade, self)  # not .actions: that is QWidget.actions()
        self.case_actions.finished.connect(lambda text: self.show_message(text, refused=False))
        self.case_actions.refused.connect(lambda text: self.show_message(text, refused=True))

        self.title_label = QLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title_label.setFont(font)
        self.state_badge, self.sync_badge = QLabel(), QLabel()
        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.state_badge)
        header.addWidget(self.sync_badge)

        self.fields: dict[str, QLabel] = {}
        applicant_box, case_box = QGroupBox("申请人"), QGroupBox("办件")
        applicant_form, case_form = QFormLayout(applicant_box), QFormLayout(case_box)
        for form, names in (
            (applicant_form, ("姓名", "身份证号", "联系电话", "住址", "特殊群体")),
            (case_form, ("办理事项", "办理部门", "服务方式", "办件类型", "受理日期", "办理期限", "经办代办员")),
        ):
            for name in names:
                label = QLabel()
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.fields[name] = label
                form.addRow(name, label)
        self.id_note = QLabel("身份证号已脱敏显示；查看完整号码会被记录（谁、何时、用途）。")
        self.id_note.setStyleSheet("color: #6b7280;")
        self.id_note.setWordWrap(True)
        self.reveal_button = QPushButton("显示完整号码…")
        self.reveal_button.clicked.connect(self.reveal_id_number)
        note_row = QHBoxLayout()
        note_row.addWidget(self.id_note, 1)
        note_row.addWidget(self.reveal_button)
        applicant_form.addRow(note_row)
        self.due_warning = QLabel()
        self.due_warning.setWordWrap(True)
        self.due_warning.setStyleSheet("color: #8a6d00;")
        case_form.addWidget(self.due_warning)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        info = QGridLayout()
        info.addWidget(applicant_box, 0, 0)
        info.addWidget(case_box, 0, 1)
        info.setColumnStretch(0, 2)
        info.setColumnStretch(1, 3)

        self.materials_view = MaterialsView()
        self.custody_view = CustodyView()
        self.history_view = HistoryView()
        self.attachments_view = AttachmentsView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.history_view, "办理记录")
        self.tabs.addTab(self.materials_view, "材料清单")
        self.tabs.addTab(self.custody_view, "原件去向")
        self.tabs.addTab(self.attachments_view, "附件")

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.action_row = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        self.print_menu = QMenu(self)
        self.print_button = QPushButton("打印表单")
        self.print_button.setMenu(self.print_menu)
        actions_box = QGroupBox("办理操作")
        actions_layout = QVBoxLayout(actions_box)
        actions_layout.addLayout(self.action_row)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(info)
        layout.addWidget(self.reason_label)
        layout.addWidget(actions_box)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)
        facade.changed.connect(self._on_changed)
        self.refresh()

    # --- loading ---
    def refresh(self) -> None:
        facade, case_id = self.facade, self.case_id

        def load() -> tuple[CaseDetail, str]:
            return facade.case_detail(case_id), facade.station.clerk

        ReadOp(self, "case", load, lambda loaded: self._show(*loaded)).run_in_background()

    def _on_changed(self, changed: Changed) -> None:
        if not self.isVisible():
            return  # a closed page; reopening it loads afresh
        if not changed.case_ids or self.case_id in changed.case_ids:
            self.refresh()

    def _show(self, detail: CaseDetail, clerk_name: str = "") -> None:
        self.detail = detail
        self.case_actions.clerk_name = clerk_name
        view, summary = detail.view, detail.summary
        self.setWindowTitle(f"办件详情 — {view.case_no} {view.applicant.name}")
        self.title_label.setText(f"{view.case_no}　{view.applicant.name}　{view.item_name}")
        self._badge(self.state_badge, summary.state_label, STATE_COLORS.get(summary.state_label, "#37474f"))
        self._badge(self.sync_badge, summary.sync_label, SYNC_COLORS.get(summary.sync_label, "#8a6d00"))
        applicant = view.applicant
        groups = "、".join(SPECIAL_GROUP_LABELS.get(g, g) for g in applicant.special_groups) or "无"
        values = {
            "姓名": applicant.name,
            "身份证号": mask_id_number(applicant.id_number),
            "联系电话": applicant.phone,
            "住址": applicant.address or "—",
            "特殊群体": groups,
            "办理事项": view.item_name,
            "办理部门": view.department or "—",
            "服务方式": view.kind.label,
            "办件类型": view.case_type.label + ("（已延期）" if view.extended else ""),
            "受理日期": f"{view.accepted_on:%Y年%m月%d日}" if view.accepted_on else "尚未受理（时限未开始计算）",
            "办理期限": self._due_text(detail),
            "经办代办员": view.clerk,
        }
        for name, text in values.items():
            self.fields[name].setText(text)
        self.fields["办理期限"].setStyleSheet("color: #c62828; font-weight: bold;" if summary.overdue else "")
        self.due_warning.setText(f"※ {summary.due_warning}" if summary.due_warning else "")
        self.due_warning.setVisible(bool(summary.due_warning))
        extra = []
        if detail.missing:
            extra.append("待补正材料：" + "、".join(detail.missing))
        out = [line.material for line in detail.custody if not line.settled]
        if out and view.state in FINISHED:
            extra.append("归档前请通过“材料交接”退还申请人的原件：" + "、".join(out))
        receipt_problems = [r.sentence for r in detail.receipts if r.problem]
        extra += receipt_problems
        if view.last_reason:
            extra.append(f"最近一次说明：{view.last_reason}")
        if detail.rating_label:
            bad = "（差评，待镇中心回访整改）" if view.rating_bad and not view.rating_followed_up else ""
            extra.append(f"申请人评价：{detail.rating_label}{bad}")
        self.reason_label.setText("\n".join(extra))
        self.reason_label.setVisible(bool(extra))
        bad_open = view.rating_bad and not view.rating_followed_up
        urgent = bad_open or detail.missing or (out and view.state in FINISHED) or receipt_problems
        self.reason_label.setStyleSheet("color: #c62828; font-weight: bold;" if urgent else "")
        self.materials_view.show_materials(view.materials, detail.missing)
        self.custody_view.show_custody(detail.custody, detail.receipts)
        self.history_view.show_history(detail.history)
        self.attachments_view.show_attachments(detail.attachments)
        self.tabs.setTabText(3, f"附件（{len(detail.attachments)}）")
        self._load_thumbnails(detail)
        self._show_actions(detail)

    @staticmethod
    def _badge(label: QLabel, text: str, color: str) -> None:
        label.setText(text)
        label.setStyleSheet(BADGE.format(color))

    @staticmethod
    def _due_text(detail: CaseDetail) -> str:
        view, summary = detail.view, detail.summary
        if view.state is CaseState.SUSPENDED:
            return "中止中，时限暂停计算"
        if view.due_on is None:
            return "即时办结" if view.accepted_on else "—"
        mark = "※" if summary.due_warning else ""
        label = f"（{summary.due_label}）" if summary.due_label else ""
        return f"{view.due_on:%Y年%m月%d日}{mark}{label}"

    def _load_thumbnails(self, detail: CaseDetail) -> None:
        facade = self.facade
        for attachment in detail.attachments:
            if attachment.mime.startswith("image/"):
                sha = attachment.sha256

                def show(png: bytes | None, sha: str = sha) -> None:  # a closure over self: run_task sees it go
                    self.attachments_view.set_thumbnail(sha, png)

                run_task(
                    partial(facade.thumbnail, sha),
                    show,
                    lambda exc: self.show_message(str(getattr(exc, "message", "缩略图无法显示")), refused=True),
                )

    def _show_actions(self, detail: CaseDetail) -> None:
        while self.action_row.count():
            item = self.action_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.print_button:
                widget.deleteLater()
        self.action_buttons.clear()
        for name, text in offered(detail):
            button = QPushButton(text)
            button.setMinimumHeight(34)
            if name in DESTRUCTIVE:
                button.setStyleSheet("color: #b71c1c;")
            button.clicked.connect(lambda _c=False, n=name: self.run_action(n))
            self.action_buttons[name] = button
            self.action_row.addWidget(button)
        self.action_row.addStretch()
        self.action_row.addWidget(self.print_button)
        facade, case_id = self.facade, self.case_id
        ReadOp(self, "forms", lambda: facade.printable_forms(case_id), self._show_forms).run_in_background()

    def reveal_id_number(self) -> None:
        """The full 身份证 number, only with a stated purpose; the read is recorded as an event (a write that
        changes no case: nothing to announce)."""
        purpose, ok = QInputDialog.getText(self, "查看完整身份证号码", "用途（将记录在案）：")
        if not ok:
            return
        facade, case_id = self.facade, self.case_id
        reveal = WriteOp(self, facade, lambda: facade.reveal_id_number(case_id, purpose))
        reveal.success(lambda number: self.fields["身份证号"].setText(number)).run_in_background()

    def _show_forms(self, forms: list[PrintableForm]) -> None:
        self.print_menu.clear()
        for form in forms:
            action = self.print_menu.addAction(form.title)
            action.triggered.connect(lambda _c=False, f=form: self.print_form(f))
        self.print_button.setEnabled(bool(forms))

    # --- acting ---
    def run_action(self, name: str) -> None:
        if self.detail is None:
            return
        self.message_label.hide()
        self.case_actions.run(name, self.detail)

    def show_message(self, text: str, refused: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(MESSAGE_REFUSED if refused else MESSAGE_OK)
        self.message_label.setVisible(bool(text))

    def print_entrustment(self) -> None:
        self.print_form(PrintableForm("entrustment", "代办服务委托书"))

    def print_form(self, form: PrintableForm) -> None:
        """Render ``form`` in the background and open its print preview."""
        facade, case_id = self.facade, self.case_id
        run_task(
            lambda: facade.form_pdf(case_id, form.key, form.event_id),
            lambda pdf: self._preview(pdf, form.title),
            lambda exc: self.show_message(user_message(exc), refused=True),
        )

    def _preview(self, pdf: bytes, title: str) -> None:
        case_no = self.detail.view.case_no if self.detail else ""
        self.preview = case_form_preview(self, self.facade, self.case_id, f"{title} {case_no}", pdf)
        self.preview.open()
