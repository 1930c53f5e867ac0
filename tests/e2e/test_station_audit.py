"""代办站个人信息审计 end to end: a station store reveals a full 身份证 number, exports the 台账, saves and
prints a case form, syncs, and the center's 督查 reads the same sentences as the station's own list —
with the case number, never the applicant's name, number or phone."""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop.services.casework.cases import get_case
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms
from desktop.services.printing import ledger as printing_ledger
from desktop.services.safety.audit import audit_log, record_case_form_print, reveal_id_number, save_case_pdf
from desktop.services.syncing import center_sync
from sync.domain.clock import FixedClock
from tests.desktop.services.workflow_helpers import registered
from tests.server_web.helpers import login, make_staff
from tests.sync.live_server import ServerHandle

from .conftest import connect_station

TODAY = date(2026, 11, 23)


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[tuple[ServiceContext, str]]:
    code = f"A{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    connect_station(ctx, server, code, "城南村", "李代办")
    yield ctx, code
    ctx.close()


def test_the_supervisor_reads_what_the_station_recorded(
    server: ServerHandle, station: tuple[ServiceContext, str], tmp_path: Path
) -> None:
    ctx, code = station
    case_id = registered(ctx)
    case = get_case(ctx, case_id)
    assert reveal_id_number(ctx, case_id, "核对社保参保信息") == case.applicant.id_number
    ledger = printing_ledger.ledger_xlsx(ctx, TODAY, TODAY)
    printing_ledger.save_ledger(ctx, tmp_path / "代办台账.xlsx", ledger, TODAY, TODAY, excel=True)
    save_case_pdf(
        ctx,
        case_id,
        f"代办服务委托书 {case.case_no}",
        tmp_path / "委托书.pdf",
        case_forms.entrustment_pdf(ctx, case_id),
    )
    record_case_form_print(ctx, case_id, f"代办服务委托书 {case.case_no}", "HP LaserJet 1020", 2)
    center_sync.sync_now(ctx)
    at_station = audit_log(ctx)  # newest first, like the center's page
    assert len(at_station) == 4

    supervisor = login(server, make_staff(server.database_url, "supervisor", "赵督查"))
    reply = supervisor.get("/station-audit")
    assert reply.status_code == 200
    page = html.unescape(reply.text)
    for personal in (case.applicant.name, case.applicant.id_number, case.applicant.phone, case.applicant.address):
        assert personal not in page
    body = page.split('<table class="station-audit">')[1].split("</table>")[0]
    rows = [r for r in body.split("<tr>")[2:] if f"城南村代办站（{code}）" in r]
    assert len(rows) == 4
    for row, entry in zip(rows, at_station, strict=True):
        assert f"<td>{entry.detail}</td>" in row and ">李代办</td>" in row
        assert f'<a href="/center/cases/{case_id}">{case.case_no}</a>' in row or entry.case_no == ""
    printed, saved, exported, read = rows
    assert "打印个人信息" in printed and "打印机：HP LaserJet 1020，共2页" in printed
    assert "导出个人信息" in saved and "另存为PDF" in saved and "委托书.pdf" in saved
    assert "导出代办台账（Excel）" in exported and "含1件办件" in exported and "代办台账.xlsx" in exported
    assert "查看完整身份证号码" in read and "用途：核对社保参保信息" in read
