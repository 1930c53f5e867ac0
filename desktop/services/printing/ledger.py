"""代办台账 for a period and the quarterly 档案移交清单: PDF and Excel, read in bounded chunks with progress;
the 档案查阅（复制）登记表 of a year, blank, to be filled in by hand.

``progress(done, total)`` is called from the caller's thread (a worker's, in the app) after each
chunk of cases; ``total`` is the number of cases plus one step for rendering the file, so the bar
reaches its end only when the file is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, tuple_

from desktop.store.models import CaseRow, EventRow
from forms import archive_list, archive_register, ledger
from forms.data import ArchiveConsultRegister, ArchiveList, ArchiveRow, Ledger, LedgerRow
from sync.domain.calendar import working_days_between
from sync.domain.case_rules import CLOCK_RUNNING
from sync.domain.clock import day_start_stamp
from sync.domain.errors import ValidationError
from sync.domain.projection import CaseView, view_from_dict

from ..context import ServiceContext
from ..safety.audit import ExportRecord, save_export, write_atomically
from ..station import require_station
from .outcomes import rating_of
from .support import form_station, local_day, opt_date

Progress = Callable[[int, int], None]
CHUNK = 200
#: A period longer than this is refused (a typo in the year, not a ledger anyone prints).
MAX_PERIOD_DAYS = 366 * 3
#: Printed where the pages of a case file were never counted on a handover.
PAGES_UNCOUNTED = "页数待清点"


def _no_progress(done: int, total: int) -> None:
    pass


def check_period(start: date, end: date) -> None:
    if start > end:
        raise ValidationError("start", "开始日期不能晚于结束日期")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError("end", "统计期间不能超过三年，请缩短期间")


def quarter_range(year: int, quarter: int) -> tuple[date, date]:
    if quarter not in (1, 2, 3, 4):
        raise ValidationError("quarter", "季度应为第1到第4季度")
    if not 2000 <= year <= 2100:
        raise ValidationError("year", "年份不正确")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return start, end


# ---------------------------------------------------------------- 代办台账


def _ledger_where(start: date, end: date) -> tuple[Any, ...]:
    lo, hi = day_start_stamp(start), day_start_stamp(end + timedelta(days=1))
    return (CaseRow.registered_at >= lo, CaseRow.registered_at < hi, CaseRow.kind != "consult")


def ledger_case_count(ctx: ServiceContext, start: date, end: date) -> int:
    with ctx.db.reading() as session:
        return session.scalar(select(func.count()).select_from(CaseRow).where(*_ledger_where(start, end))) or 0


def _ledger_views(ctx: ServiceContext, start: date, end: date, progress: Progress) -> Iterator[CaseView]:
    """Cases registered in [start, end] (咨询 excepted), oldest first, CHUNK rows per read."""
    where = _ledger_where(start, end)
    with ctx.db.reading() as session:
        total = session.scalar(select(func.count()).select_from(CaseRow).where(*where)) or 0
    progress(0, total + 1)
    done, after = 0, ("", "")
    while True:
        with ctx.db.reading() as session:  # one short read per chunk: writers are never held up for long
            rows = session.execute(
                select(CaseRow.registered_at, CaseRow.case_no, CaseRow.data)
                .where(*where, tuple_(CaseRow.registered_at, CaseRow.case_no) > after)
                .order_by(CaseRow.registered_at, CaseRow.case_no)
                .limit(CHUNK)
            ).all()
        if not rows:
            return
        for row in rows:
            yield view_from_dict(row.data)
        done += len(rows)
        progress(min(done, total), total + 1)
        after = (rows[-1].registered_at, rows[-1].case_no)


def ledger_row(ctx: ServiceContext, view: CaseView) -> LedgerRow:
    """One case's line: working days from acceptance to completion, on time against the (extended) due date;
    an open case whose clock runs past its due date today is 已超期."""
    done = view.completed_on
    running = view.state in CLOCK_RUNNING
    used = working_days_between(ctx.calendar, view.accepted_on, done) if view.accepted_on and done else None
    return LedgerRow(
        case_no=view.case_no,
        applicant_name=view.applicant.name,
        applicant_id=view.applicant.id_number,  # the form prints it masked
        matter=view.item_name,
        accepted_on=view.accepted_on,
        due_on=view.due_on,
        clerk=view.clerk,
        done_on=done,
        days_used=used,
        on_time=done <= view.due_on if done and view.due_on else None,
        rating=rating_of(view.rating),
        case_type=view.case_type.label,
        phone=view.applicant.phone,  # the form prints it masked
        state=view.state.label,
        overdue=bool(done is None and running and view.due_on and view.due_on < ctx.today()),
    )


def ledger_rows(ctx: ServiceContext, start: date, end: date, progress: Progress | None = None) -> list[LedgerRow]:
    """The 台账 lines of the cases registered in [start, end], oldest first."""
    check_period(start, end)
    return [ledger_row(ctx, v) for v in _ledger_views(ctx, start, end, progress or _no_progress)]


def ledger_data(ctx: ServiceContext, start: date, end: date, progress: Progress | None = None) -> Ledger:
    station = require_station(ctx)
    rows = ledger_rows(ctx, start, end, progress)
    return Ledger(
        station=form_station(station, ctx.town),
        period_start=start,
        period_end=end,
        rows=rows,
        printed_on=ctx.today(),
        keeper=station.clerk,
    )


def _finish(data: bytes, total: int, progress: Progress | None) -> bytes:
    if progress is not None:
        progress(total, total)
    return data


def ledger_pdf(ctx: ServiceContext, start: date, end: date, progress: Progress | None = None) -> bytes:
    data = ledger_data(ctx, start, end, progress)
    return _finish(ledger.render(data), len(data.rows) + 1, progress)


def ledger_xlsx(ctx: ServiceContext, start: date, end: date, progress: Progress | None = None) -> bytes:
    data = ledger_data(ctx, start, end, progress)
    return _finish(ledger.to_xlsx(data), len(data.rows) + 1, progress)


# ---------------------------------------------------------------- 档案移交清单


def _archived_ids(ctx: ServiceContext, start: date, end: date) -> list[str]:
    """Cases archived in [start, end] (by the 归档 date recorded), in the order archived."""
    with ctx.db.reading() as session:
        rows = session.execute(
            select(EventRow.case_id, EventRow.payload).where(EventRow.type == "case.archive").order_by(EventRow.seq)
        ).all()
    out = []
    for case_id, payload in rows:
        day = opt_date(payload.get("archived_on"))
        if case_id and day and start <= day <= end:
            out.append(case_id)
    return out


def _pages(ctx: ServiceContext, case_ids: list[str]) -> dict[str, int]:
    """Pages counted on the cases' handovers (the most each material was counted with)."""
    with ctx.db.reading() as session:
        rows = session.execute(
            select(EventRow.case_id, EventRow.payload).where(
                EventRow.type == "case.handover", EventRow.case_id.in_(case_ids)
            )
        ).all()
    counted: dict[str, dict[tuple[str, bool], int]] = {}
    for case_id, payload in rows:
        per = counted.setdefault(str(case_id), {})
        for item in payload.get("items") or ():
            key = (str(item.get("name")), bool(item.get("original", True)))
            per[key] = max(per.get(key, 0), int(item.get("pages") or 0))
    return {case_id: sum(per.values()) for case_id, per in counted.items()}


def archive_rows(ctx: ServiceContext, year: int, quarter: int, progress: Progress | None = None) -> list[ArchiveRow]:
    start, end = quarter_range(year, quarter)
    report = progress or _no_progress
    ids = _archived_ids(ctx, start, end)
    report(0, len(ids) + 1)
    out: list[ArchiveRow] = []
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        pages = _pages(ctx, chunk)
        with ctx.db.reading() as session:
            found = session.execute(select(CaseRow.case_id, CaseRow.data).where(CaseRow.case_id.in_(chunk))).all()
        data: dict[str, dict[str, Any]] = {row.case_id: row.data for row in found}
        for case_id in chunk:
            view = view_from_dict(data[case_id])
            counted = pages.get(case_id, 0)
            out.append(
                ArchiveRow(
                    case_no=view.case_no,
                    title=f"{view.applicant.name} {view.item_name}",
                    case_type=view.case_type.label,
                    closed_on=view.completed_on or (local_day(view.updated_at) if view.updated_at else None),
                    pages=counted,
                    note="" if counted else PAGES_UNCOUNTED,
                )
            )
        report(len(out), len(ids) + 1)
    return out


def archive_list_data(ctx: ServiceContext, year: int, quarter: int, progress: Progress | None = None) -> ArchiveList:
    station = require_station(ctx)
    return ArchiveList(
        station=form_station(station, ctx.town),
        year=year,
        quarter=quarter,
        rows=archive_rows(ctx, year, quarter, progress),
        handed_by=station.clerk,
        received_by="",
        receiver_unit=f"{station.town}为民服务中心",
    )


def archive_list_pdf(ctx: ServiceContext, year: int, quarter: int, progress: Progress | None = None) -> bytes:
    data = archive_list_data(ctx, year, quarter, progress)
    return _finish(archive_list.render(data), len(data.rows) + 1, progress)


def archive_list_xlsx(ctx: ServiceContext, year: int, quarter: int, progress: Progress | None = None) -> bytes:
    data = archive_list_data(ctx, year, quarter, progress)
    return _finish(archive_list.to_xlsx(data), len(data.rows) + 1, progress)


# ---------------------------------------------------------------- 档案查阅（复制）登记表


def archive_register_data(ctx: ServiceContext, year: int) -> ArchiveConsultRegister:
    """The station's register for ``year``, blank: consulting or copying the files needs the 负责人's
    consent and an entry written in it (seed 002 档案管理); the app itself records no consultation."""
    if not 2000 <= year <= 2100:
        raise ValidationError("year", "年份不正确")
    station = require_station(ctx)
    return ArchiveConsultRegister(station=form_station(station, ctx.town), year=year)


def archive_register_pdf(ctx: ServiceContext, year: int, progress: Progress | None = None) -> bytes:
    data = archive_register_data(ctx, year)
    return _finish(archive_register.render(data), 1, progress)


def save_archive_register(path: Path | str, data: bytes) -> Path:
    """Write the blank register saved from its preview. It holds no personal data: no export record."""
    target = Path(path)
    write_atomically(target, data)
    return target


# ---------------------------------------------------------------- audited export to a file


def ledger_record(ctx: ServiceContext, start: date, end: date, kind: str) -> ExportRecord:
    """The audit record of a 代办台账 leaving the app (``ledger_xlsx``, ``ledger_pdf`` or ``ledger_print``)."""
    return ExportRecord(kind, f"代办台账 {start:%Y-%m-%d}至{end:%Y-%m-%d}", ledger_case_count(ctx, start, end))


def archive_list_record(ctx: ServiceContext, year: int, quarter: int, kind: str) -> ExportRecord:
    """The audit record of a 档案移交清单 leaving the app."""
    start, end = quarter_range(year, quarter)
    return ExportRecord(kind, f"档案移交清单 {year}年第{quarter}季度", len(_archived_ids(ctx, start, end)))


def save_ledger(ctx: ServiceContext, path: Path | str, data: bytes, start: date, end: date, excel: bool) -> Path:
    """Write an exported 代办台账 (Excel, or the PDF saved from its preview) and record the export."""
    return save_export(ctx, path, data, ledger_record(ctx, start, end, "ledger_xlsx" if excel else "ledger_pdf"))


def save_archive_list(ctx: ServiceContext, path: Path | str, data: bytes, year: int, quarter: int, excel: bool) -> Path:
    """Write an exported 档案移交清单 and record the export."""
    kind = "archive_list_xlsx" if excel else "archive_list_pdf"
    return save_export(ctx, path, data, archive_list_record(ctx, year, quarter, kind))
