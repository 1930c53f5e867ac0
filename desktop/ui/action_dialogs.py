"""The small dialogs of the case actions that need input: 补正, 延期, 撤回/终止, 退回, 咨询答复
(中止 and 续办, which the villager signs, are in ``step_dialogs``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Protocol

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from desktop.services.casework.records import CaseDetail, Changed, ReturnInput
from sync.domain.calendar import HolidayCalendar, extension_suggestion, next_workday
from sync.domain.errors import ValidationError
from sync.domain.model import CaseType

from .action_form import ActionDialog
from .ops import Hub


class ActionServices(Hub, Protocol):
    """What these dialogs need (the facade has it): their writes, run by ``WriteOp`` on a worker thread,
    and for 延期 the working-day calendar and the station's today."""

    @property
    def calendar(self) -> HolidayCalendar: ...
    def today(self) -> date: ...
    def request_correction(self, case_id: str, extra_missing: Sequence[str] = (), note: str = "") -> Changed: ...
    def supplement_received(self, case_id: str, received: Sequence[str]) -> Changed: ...
    def extend(self, case_id: str, new_due_on: date, reason: str, consent: bool, approved_by: str = "") -> Changed: ...
    def return_case(self, case_id: str, data: ReturnInput) -> Changed: ...
    def answer_consult(self, case_id: str, answer: str = "") -> Changed: ...
    def override_case_type(self, case_id: str, case_type: str, reason: str) -> Changed: ...


def _text_box(placeholder: str = "", height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    return box


class CorrectionDialog(ActionDialog):
    """一次性告知补正: every missing material at once (the checklist's missing ones plus any added here)."""

    def __init__(self, facade: ActionServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        missing = [m.name for m in detail.view.materials if m.required and not m.present]
        intro = "将一次性告知申请人需补正的全部材料，补齐后才开始计算办理时限。"
        if missing:
            intro += "\n材料清单中未提交的必需材料：" + "、".join(missing)
        super().__init__("一次性告知补正", intro, parent, "告知并打印", hub=facade)
        self.facade, self.case_id = facade, detail.view.case_id
        self.extra_edit = _text_box("另需补正的材料，每行一项（可不填）")
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("补充说明（可不填）")
        self.row("另需补正", self.extra_edit, "missing")
        self.row("说明", self.note_edit, "note")

    def operation(self) -> Callable[[], Changed]:
        extra = [line.strip() for line in self.extra_edit.toPlainText().splitlines() if line.strip()]
        note, facade, case_id = self.note_edit.text(), self.facade, self.case_id
        return lambda: facade.request_correction(case_id, extra, note)


class SupplementDialog(ActionDialog):
    """补正材料已收: tick what arrived; once complete the case is accepted and the clock starts."""

    def __init__(self, facade: ActionServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__("补正材料已收", "请勾选申请人本次送来的补正材料。", parent, "登记收到", hub=facade)
        self.facade, self.case_id = facade, detail.view.case_id
        self.list = QListWidget()
        for name in detail.missing:
            item = QListWidgetItem(name)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.row("需补正材料", self.list, "received")

    def set_checked(self, name: str, checked: bool = True) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.text() == name:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def operation(self) -> Callable[[], Changed]:
        received = [
            self.list.item(r).text()
            for r in range(self.list.count())
            if self.list.item(r).checkState() == Qt.CheckState.Checked
        ]
        facade, case_id = self.facade, self.case_id
        return lambda: facade.supplement_received(case_id, received)


class ExtendDialog(ActionDialog):
    """延期: reason, the new deadline and the villager's consent (required)."""

    def __init__(self, facade: ActionServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        due = detail.view.due_on
        intro = "延期办理须有正当理由并征得申请人同意，《延期办理告知书》一式两份。"
        if due is not None:
            intro += f"\n原定办结日期：{due:%Y年%m月%d日}"
        super().__init__("延期办理", intro, parent, "登记延期", hub=facade)
        self.facade, self.case_id = facade, detail.view.case_id
        self.reason_edit = _text_box("如：需实地核查，部门无法在承诺时限内办结")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年MM月dd日")
        self.calendar = facade.calendar
        today = facade.today()
        earliest = next_workday(self.calendar, due or today)
        self.date_edit.setMinimumDate(QDate(earliest.year, earliest.month, earliest.day))
        self.date_note = QLabel()
        self.date_edit.dateChanged.connect(lambda _d: self._date_chosen())
        self.date_edit.calendarWidget().currentPageChanged.connect(lambda y, m: self._mark_days_off(y, m))
        self.set_new_due(extension_suggestion(self.calendar, due, today))  # a working day the rule accepts
        self._mark_days_off(self.date_edit.date().year(), self.date_edit.date().month())
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_edit)
        date_row.addWidget(self.date_note, 1)
        self.approved_edit = QLineEdit()
        self.approved_edit.setPlaceholderText("批准延期的负责人（可不填）")
        self.consent_box = QCheckBox("申请人已同意延期（须当面确认）")
        self.row("延期理由", self.reason_edit, "reason")
        self.form.addRow("延期至", date_row)
        self.fields["due_on"] = self.date_edit
        self.row("批准人", self.approved_edit, "approved_by")
        self.row("", self.consent_box, "consent")

    def set_new_due(self, day: date) -> None:
        self.date_edit.setDate(QDate(day.year, day.month, day.day))

    def _chosen_day(self) -> date:
        qdate = self.date_edit.date()
        return date(qdate.year(), qdate.month(), qdate.day())

    def _date_chosen(self) -> None:
        """Say at once when the chosen day is not a working day (it would be refused on saving)."""
        day = self.calendar.is_workday(self._chosen_day())
        self.date_note.setText("" if day else "休息日，不能作为办结日期，请另选工作日")
        self.date_note.setStyleSheet("" if day else "color: #c62828;")

    def _mark_days_off(self, year: int, month: int) -> None:
        """Grey the days off (weekends and holidays, but not the 调休 working days) in the month shown."""
        calendar_widget = self.date_edit.calendarWidget()
        off, work = QTextCharFormat(), QTextCharFormat()
        off.setForeground(QColor("#9e9e9e"))
        work.setForeground(QColor("#000000"))
        first = date(year, month, 1)
        for offset in range(-7, 45):  # the page shows a few days of the months around it
            day = first + timedelta(days=offset)
            fmt = work if self.calendar.is_workday(day) else off
            calendar_widget.setDateTextFormat(QDate(day.year, day.month, day.day), fmt)

    def operation(self) -> Callable[[], Changed]:
        new_due = self.date_edit.date().toPython()
        assert isinstance(new_due, date)  # a QDate converts to a date (the stubs say object)
        reason, consent = self.reason_edit.toPlainText(), self.consent_box.isChecked()
        approved = self.approved_edit.text()
        facade, case_id = self.facade, self.case_id
        return lambda: facade.extend(case_id, new_due, reason, consent, approved)


class ReasonDialog(ActionDialog):
    """撤回 or 终止: one reason."""

    def __init__(
        self,
        title: str,
        label: str,
        run: Callable[[str], Changed],
        intro: str = "",
        parent: QWidget | None = None,
        *,
        hub: Hub | None = None,
    ) -> None:
        super().__init__(title, intro, parent, title, hub=hub)
        self._run = run
        self.reason_edit = _text_box()
        self.row(label, self.reason_edit, "reason")

    def operation(self) -> Callable[[], Changed]:
        reason, run = self.reason_edit.toPlainText(), self._run
        return lambda: run(reason)


class ReturnDialog(ActionDialog):
    """退回 with written reasons and legal basis, and the 否定报备 data."""

    def __init__(self, facade: ActionServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        view = detail.view
        intro = "退回须书面说明理由和依据，并登记《否定报备登记表》。"
        intro += f"\n申请人：{view.applicant.name}　事项：{view.item_name}"
        super().__init__("退回办件", intro, parent, "退回并登记", hub=facade)
        self.facade, self.case_id = facade, view.case_id
        self.reasons_edit = _text_box("退回理由，每行一条")
        self.basis_edit = QLineEdit()
        self.basis_edit.setPlaceholderText("如：《社会救助暂行办法》第九条")
        self.facts_edit = _text_box("基本情况（可不填）", 50)
        self.opinion_edit = QLineEdit()
        self.opinion_edit.setPlaceholderText("如：同意退回（张主任）")
        self.row("退回理由", self.reasons_edit, "reasons")
        self.row("法律依据", self.basis_edit, "legal_basis")
        self.row("基本情况", self.facts_edit, "basic_facts")
        self.row("领导意见", self.opinion_edit, "leader_opinion")

    def operation(self) -> Callable[[], Changed]:
        data = ReturnInput(
            reasons=tuple(r.strip() for r in self.reasons_edit.toPlainText().splitlines() if r.strip()),
            legal_basis=self.basis_edit.text(),
            leader_opinion=self.opinion_edit.text(),
            basic_facts=self.facts_edit.toPlainText(),
        )
        facade, case_id = self.facade, self.case_id
        return lambda: facade.return_case(case_id, data)


class ConsultAnswerDialog(ActionDialog):
    """咨询答复: the matter's 一次性告知 from the catalog plus what the clerk told."""

    def __init__(self, facade: ActionServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        view = detail.view
        intro = f"将按事项清单一次性告知“{view.item_name}”的办理依据、条件、材料、时限和收费。"
        super().__init__("咨询答复（一次告知）", intro, parent, "答复并结束咨询", hub=facade)
        self.facade, self.case_id = facade, view.case_id
        self.answer_edit = _text_box("答复要点（可不填）", 110)
        self.row("答复内容", self.answer_edit, "answer")

    def operation(self) -> Callable[[], Changed]:
        answer, facade, case_id = self.answer_edit.toPlainText(), self.facade, self.case_id
        return lambda: facade.answer_consult(case_id, answer)


class CaseTypeDialog(ActionDialog):
    """变更办件类型 (e.g. 承诺件 → 联办件) with a reason."""

    def __init__(self, facade: ActionServices, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__("变更办件类型", f"当前类型：{detail.view.case_type.label}", parent, "变更", hub=facade)
        self.facade, self.case_id = facade, detail.view.case_id
        self.type_combo = QComboBox()
        for case_type in CaseType:
            self.type_combo.addItem(case_type.label, case_type.value)
        self.type_combo.setCurrentIndex(self.type_combo.findData(detail.view.case_type.value))
        self.reason_edit = _text_box()
        self.row("新类型", self.type_combo, "case_type")
        self.row("变更理由", self.reason_edit, "reason")

    def operation(self) -> Callable[[], Changed]:
        case_type = str(self.type_combo.currentData() or "")
        if not case_type:
            raise ValidationError("case_type", "请选择办件类型")
        reason, facade, case_id = self.reason_edit.toPlainText(), self.facade, self.case_id
        return lambda: facade.override_case_type(case_id, case_type, reason)
