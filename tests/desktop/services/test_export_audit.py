"""Every export of personal data is recorded: who, when, what, how many cases, which file — never the data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.case_detail import case_history
from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms
from desktop.services.printing import ledger as printing_ledger
from desktop.services.safety import audit, backup
from desktop.services.safety.audit import EXPORT, audit_log, reveal_id_number, save_case_pdf
from desktop.services.syncing import transfer
from desktop.store.models import EventRow
from sync.domain.errors import DomainError
from sync.protocol.transfer import STATION_TO_CENTER, read_transfer, signing_key

from .workflow_helpers import registered

TODAY = date(2026, 11, 23)
FULL = "11010519491231002X"


def export_events(ctx: ServiceContext) -> list[EventRow]:
    with ctx.db.reading() as session:
        return list(session.query(EventRow).filter(EventRow.type == EXPORT).order_by(EventRow.seq))


def assert_no_personal_data(ctx: ServiceContext, row: EventRow, case_ids: list[str]) -> None:
    text = json.dumps(row.payload, ensure_ascii=False)
    for case_id in case_ids:
        applicant = get_case(ctx, case_id).applicant
        assert applicant.name not in text and applicant.id_number not in text and applicant.phone not in text


def test_ledger_excel_and_pdf_exports_are_recorded(ctx: ServiceContext, tmp_path: Path) -> None:
    cases = [registered(ctx, applicant_name=name) for name in ("赵一", "钱二")]
    data = printing_ledger.ledger_xlsx(ctx, TODAY, TODAY)
    written = printing_ledger.save_ledger(ctx, tmp_path / "台账.xlsx", data, TODAY, TODAY, excel=True)
    assert written.read_bytes() == data
    printing_ledger.save_ledger(
        ctx, tmp_path / "台账.pdf", printing_ledger.ledger_pdf(ctx, TODAY, TODAY), TODAY, TODAY, False
    )
    xlsx, pdf = export_events(ctx)
    assert xlsx.actor == "李代办"
    assert xlsx.payload["what"] == "ledger_xlsx" and pdf.payload["what"] == "ledger_pdf"
    assert xlsx.payload["case_count"] == 2 and xlsx.payload["file_name"] == "台账.xlsx"
    assert xlsx.payload["folder"] == str(tmp_path) and "2026-11-23" in xlsx.payload["title"]
    assert_no_personal_data(ctx, xlsx, cases)
    (newest, older) = audit_log(ctx)[:2]
    assert newest.action == "导出个人信息" and "导出代办台账（PDF）" in newest.detail and "含2件办件" in newest.detail
    assert older.actor == "李代办" and "台账.xlsx" in older.detail
    # The quarterly 档案移交清单 counts the cases archived in the quarter.
    workflow.withdraw(ctx, cases[0], "申请人不再办理")
    workflow.archive(ctx, cases[0])
    sheet = printing_ledger.archive_list_xlsx(ctx, 2026, 4)
    printing_ledger.save_archive_list(ctx, tmp_path / "清单.xlsx", sheet, 2026, 4, excel=True)
    assert export_events(ctx)[-1].payload | {"folder": ""} == {
        "what": "archive_list_xlsx",
        "title": "档案移交清单 2026年第4季度",
        "case_count": 1,
        "file_name": "清单.xlsx",
        "folder": "",
    }


def test_a_case_form_saved_as_pdf_shows_in_the_case_history(ctx: ServiceContext, tmp_path: Path) -> None:
    case_id = registered(ctx)
    other = registered(ctx)
    pdf = case_forms.entrustment_pdf(ctx, case_id)
    case_no = get_case(ctx, case_id).case_no
    save_case_pdf(ctx, case_id, f"代办服务委托书 {case_no}", tmp_path / "委托书.pdf", pdf)
    assert reveal_id_number(ctx, case_id, "核对身份") == FULL
    (row,) = export_events(ctx)
    assert row.payload["subject_case_id"] == case_id and row.payload["case_no"] == case_no
    assert row.payload["case_count"] == 1 and "case_id" not in row.payload  # not a step of the case
    assert_no_personal_data(ctx, row, [case_id])
    history = case_history(ctx, case_id)
    assert [h.action for h in history[-2:]] == ["导出个人信息", "查看完整身份证号码"]
    assert "另存为PDF“代办服务委托书" in history[-2].sentence and "委托书.pdf" in history[-2].sentence
    assert all(h.action not in ("导出个人信息", "查看完整身份证号码") for h in case_history(ctx, other))
    with pytest.raises(DomainError):
        save_case_pdf(ctx, "no-such-case", "x", tmp_path / "x.pdf", pdf)


def test_printing_on_paper_is_recorded(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    case_no = get_case(ctx, case_id).case_no
    audit.record_case_form_print(ctx, case_id, f"代办服务委托书 {case_no}", "HP LaserJet 1020", 2)
    workflow.withdraw(ctx, case_id, "申请人不再办理")
    workflow.archive(ctx, case_id)
    audit.record_print(ctx, printing_ledger.ledger_record(ctx, TODAY, TODAY, "ledger_print"), "  ", 3)
    audit.record_print(ctx, printing_ledger.archive_list_record(ctx, 2026, 4, "archive_list_print"), "HP", 1)
    form, ledger, archive = export_events(ctx)
    assert form.payload == {
        "what": "case_form_print",
        "title": f"代办服务委托书 {case_no}",
        "case_count": 1,
        "printer": "HP LaserJet 1020",
        "pages": 2,
        "subject_case_id": case_id,
        "case_no": case_no,
    }
    assert ledger.payload["printer"] == "未命名打印机" and ledger.payload["case_count"] == 1
    assert archive.payload["what"] == "archive_list_print" and archive.payload["case_count"] == 1
    assert_no_personal_data(ctx, form, [case_id])
    line = next(h for h in case_history(ctx, case_id) if h.action == "打印个人信息")
    assert line.sentence == f"打印表单“代办服务委托书 {case_no}”，含1件办件，打印机：HP LaserJet 1020，共2页"
    assert audit_log(ctx)[0].action == "打印个人信息"
    assert "打印档案移交清单“档案移交清单 2026年第4季度”" in audit_log(ctx)[0].detail
    # Only the print kinds go through record_print, and unknown kinds are refused.
    with pytest.raises(DomainError):
        audit.record_print(ctx, audit.ExportRecord("ledger_pdf", "代办台账", 1), "HP", 1)
    with pytest.raises(DomainError):
        audit.record_print(ctx, audit.ExportRecord("poster_print", "海报", 1), "HP", 1)
    assert len(export_events(ctx)) == 3


def test_an_export_that_cannot_be_recorded_leaves_no_file(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = registered(ctx)

    def refuse(*args: object, **kwargs: object) -> None:
        raise DomainError("数据库忙")

    monkeypatch.setattr(audit, "record_export", refuse)
    target = tmp_path / "委托书.pdf"
    with pytest.raises(DomainError):
        save_case_pdf(ctx, case_id, "代办服务委托书", target, b"%PDF-1.4")
    assert not target.exists() and export_events(ctx) == []


def test_usb_export_is_recorded(ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [registered(ctx), registered(ctx)]
    monkeypatch.setattr(transfer, "_token", lambda _ctx, _station_id: "t" * 43)
    target = tmp_path / "代办站数据.dbt"
    changed = transfer.export_to_file(ctx, target)
    assert target.exists() and "已导出" in changed.message
    (row,) = export_events(ctx)
    assert row.payload["what"] == "usb_transfer" and row.payload["case_count"] == 2
    assert row.payload["file_name"] == "代办站数据.dbt"
    assert_no_personal_data(ctx, row, cases)
    # the file carries its own record, so the center learns of the export with the data itself
    contents = read_transfer(target.read_bytes(), [signing_key("t" * 43)], direction=STATION_TO_CENTER)
    assert contents.events[-1].id == row.id and contents.events[-1].type == "audit.export"


def test_a_usb_export_that_cannot_be_written_records_nothing(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(ctx)
    monkeypatch.setattr(transfer, "_token", lambda _ctx, _station_id: "t" * 43)
    with pytest.raises(DomainError, match="无法写入文件"):
        transfer.export_to_file(ctx, tmp_path / "拔掉的U盘" / "代办站数据.dbt")
    assert export_events(ctx) == []


def test_backup_into_a_chosen_folder_is_an_export(ctx: ServiceContext, tmp_path: Path) -> None:
    registered(ctx)
    backup.backup_now(ctx)  # the station's own backups folder: not an export
    assert export_events(ctx) == []
    stick = tmp_path / "U盘"
    backup.set_backup_folder(ctx, stick)
    made = backup.backup_now(ctx)
    daily = backup.daily_backup_if_due(ctx)
    assert daily is not None
    manual, automatic = export_events(ctx)
    assert manual.actor == "李代办" and automatic.actor == backup.DAILY_BACKUP_ACTOR
    assert manual.payload["what"] == "backup" and manual.payload["case_count"] == 1
    assert manual.payload["file_name"] == made.path.name and manual.payload["folder"] == str(stick)
