"""代办台账 and 档案移交清单 from cases built through the services: PDF text, Excel read back, progress."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import date
from itertools import pairwise

import openpyxl
import pytest

from desktop.services.casework import workflow
from desktop.services.casework.cases import register_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.casework.handovers import record_handover
from desktop.services.context import ServiceContext
from desktop.services.printing.ledger import (
    archive_list_data,
    archive_list_pdf,
    archive_list_xlsx,
    ledger_pdf,
    ledger_rows,
    ledger_xlsx,
    quarter_range,
)
from desktop.services.station import require_station
from desktop.store import event_log
from forms.data import Rating
from sync.domain.calendar import working_days_between
from sync.domain.errors import ValidationError

from ..conftest import complete_draft
from .print_helpers import pages, text
from .workflow_helpers import center, feedback, handover, registered

FULL_ID = "11010519491231002X"
MASKED = "110105********002X"


@pytest.fixture
def at(on_day: Callable[[date], None]) -> Callable[[date], None]:
    """Move the station's clock (today and the events' times) to ``day`` (10:00 Beijing time)."""
    return on_day


def many(ctx: ServiceContext, count: int) -> None:
    """``count`` accepted cases: one registered through the service, the rest cloned from its events in one go."""
    first = register_case(ctx, complete_draft(ctx)).case_ids[0]
    station = require_station(ctx)
    with ctx.db.transaction() as session:
        registered_, accepted = (e for e in event_log.iter_events(session) if e.payload["case_id"] == first)
        for n in range(2, count + 1):
            case_id = str(uuid.uuid4())
            payload = {**registered_.payload, "case_id": case_id, "case_no": f"CS01-20261102-{n:04d}"}
            for type_, body in (
                ("case.registered", payload),
                ("case.accept", {**accepted.payload, "case_id": case_id}),
            ):
                event_log.append(
                    session,
                    station_id=station.station_id,
                    type=type_,
                    payload=body,
                    actor="李代办",
                    occurred_at=ctx.clock.stamp(),
                )


def _done(ctx: ServiceContext, case_id: str, completed: date, rating: int) -> None:
    record_handover(ctx, case_id, handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结", "completed_on": completed.isoformat()})
    give_feedback(ctx, case_id, feedback(ctx, case_id, rating), handover(ctx, case_id, "clerk", "villager"))


def test_ledger_rows_carry_each_cases_figures(ctx: ServiceContext, at: Callable[[date], None]) -> None:
    at(date(2026, 10, 30))
    registered(ctx, applicant_name="钱前月")  # before the period
    at(date(2026, 11, 2))
    on_time = registered(ctx, applicant_name="赵按时")
    late = registered(ctx, applicant_name="孙超期")
    at(date(2026, 11, 3))
    registered(ctx, applicant_name="周待补", missing=[complete_draft(ctx).materials[0].name])
    registered(ctx, applicant_name="吴在办")
    at(date(2026, 11, 30))
    registered(ctx, applicant_name="郑下月")  # after the period
    at(date(2026, 11, 10))
    _done(ctx, on_time, date(2026, 11, 6), 4)
    at(date(2026, 11, 30))
    _done(ctx, late, date(2026, 11, 27), 2)

    rows = {r.applicant_name: r for r in ledger_rows(ctx, date(2026, 11, 1), date(2026, 11, 29))}
    assert set(rows) == {"赵按时", "孙超期", "周待补", "吴在办"}
    good, bad = rows["赵按时"], rows["孙超期"]
    assert good.accepted_on == date(2026, 11, 2) and good.done_on == date(2026, 11, 6)
    assert good.days_used == working_days_between(ctx.calendar, date(2026, 11, 2), date(2026, 11, 6)) == 4
    assert good.on_time is True and good.rating is Rating.SATISFIED and good.clerk == "李代办"
    assert bad.on_time is False and bad.rating is Rating.DISSATISFIED and bad.due_on is not None
    assert rows["周待补"].accepted_on is None and rows["周待补"].on_time is None
    assert rows["吴在办"].done_on is None and rows["吴在办"].days_used is None
    assert [r.case_no for r in rows.values()] == sorted(r.case_no for r in rows.values())

    pdf = text(ledger_pdf(ctx, date(2026, 11, 1), date(2026, 11, 29)))
    for expected in ("代办台账", "赵按时", "孙超期", "周待补", MASKED, good.case_no, "2026-11-06", "满意", "不满意"):
        assert expected in pdf, expected
    assert FULL_ID not in pdf and "钱前月" not in pdf and "郑下月" not in pdf

    book = openpyxl.load_workbook(io.BytesIO(ledger_xlsx(ctx, date(2026, 11, 1), date(2026, 11, 29))))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "赵按时" in cells and MASKED in cells and FULL_ID not in cells and good.case_no in cells
    assert "是" in cells and "否" in cells and "不满意" in cells


def test_ledger_of_a_thousand_cases_paginates_with_progress(ctx: ServiceContext, at: Callable[[date], None]) -> None:
    at(date(2026, 11, 2))
    many(ctx, 1000)
    reports: list[tuple[int, int]] = []
    pdf = ledger_pdf(ctx, date(2026, 11, 1), date(2026, 11, 30), lambda done, total: reports.append((done, total)))
    assert pages(pdf) > 10
    assert {total for _, total in reports} == {1001}
    done = [d for d, _ in reports]
    assert all(a <= b for a, b in pairwise(done)) and done[0] == 0 and done[-1] == 1001
    assert len(reports) >= 1000 // 200 + 2  # chunked reads each reported
    assert "1000" in text(pdf)[-2000:]  # 合计 line


def test_ledger_refuses_a_reversed_period(ctx: ServiceContext) -> None:
    with pytest.raises(ValidationError, match="开始日期不能晚于结束日期"):
        ledger_rows(ctx, date(2026, 12, 1), date(2026, 11, 1))
    with pytest.raises(ValidationError, match="季度"):
        quarter_range(2026, 5)
    assert quarter_range(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_range(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))


def test_archive_list_has_the_cases_archived_in_the_quarter(ctx: ServiceContext, at: Callable[[date], None]) -> None:
    at(date(2026, 11, 2))
    archived = registered(ctx, applicant_name="赵归档")
    not_yet = registered(ctx, applicant_name="钱未归")
    withdrawn = registered(ctx, applicant_name="孙撤回")
    _done(ctx, archived, date(2026, 11, 6), 5)
    _done(ctx, not_yet, date(2026, 11, 6), 5)
    workflow.withdraw(ctx, withdrawn, "申请人不再申请")
    at(date(2026, 11, 20))
    workflow.archive(ctx, archived)
    workflow.archive(ctx, withdrawn)

    reports: list[tuple[int, int]] = []
    data = archive_list_data(ctx, 2026, 4, lambda d, t: reports.append((d, t)))
    titles = [r.title for r in data.rows]
    assert len(titles) == 2 and titles[0].startswith("赵归档") and titles[1].startswith("孙撤回")
    assert data.rows[0].closed_on == date(2026, 11, 6) and data.rows[0].case_type == "承诺件"
    assert reports[-1] == (2, 3)
    pdf = text(archive_list_pdf(ctx, 2026, 4))
    assert "档案移交清单" in pdf and "2026年第4季度" in pdf and "赵归档" in pdf and "钱未归" not in pdf
    book = openpyxl.load_workbook(io.BytesIO(archive_list_xlsx(ctx, 2026, 4)))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert any("赵归档" in c for c in cells) and not any("钱未归" in c for c in cells)
    assert archive_list_data(ctx, 2026, 3).rows == []


def test_an_empty_period_and_a_too_long_one(ctx: ServiceContext) -> None:
    assert "本期无办件" in text(ledger_pdf(ctx, date(2020, 1, 1), date(2020, 1, 31)))
    with pytest.raises(ValidationError, match="不能超过三年"):
        ledger_rows(ctx, date(2020, 1, 1), date(2026, 1, 1))


def test_open_cases_past_their_date_read_as_overdue_with_state_type_and_phone(ctx: ServiceContext) -> None:
    from tests.desktop.conftest import set_clock

    registered(ctx, applicant_name="周超期", phone="13912345678")
    (row,) = [r for r in ledger_rows(ctx, date(2026, 11, 1), date(2026, 11, 30)) if r.applicant_name == "周超期"]
    # the ledger reads the cases' masked columns: the full phone is never needed for it
    assert (row.case_type, row.state, row.phone, row.overdue) == ("承诺件", "已受理", "139****5678", False)
    set_clock(ctx, date(2026, 12, 31))  # long past its due date, still open
    (late,) = [r for r in ledger_rows(ctx, date(2026, 11, 1), date(2026, 11, 30)) if r.applicant_name == "周超期"]
    assert late.overdue and late.on_time is None
    printed = text(ledger_pdf(ctx, date(2026, 11, 1), date(2026, 11, 30)))
    assert "已超期" in printed and "139****5678" in printed and "13912345678" not in printed
