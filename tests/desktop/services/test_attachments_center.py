from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from desktop.services.casework import workflow
from desktop.services.casework.attachments import (
    add_attachment,
    blob_bytes,
    blobs_named,
    list_attachments,
    read_attachment,
    thumbnail,
)
from desktop.services.casework.case_detail import case_detail
from desktop.services.casework.cases import get_case
from desktop.services.casework.records import StepConfirmation
from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.services.syncing.center import apply_center_event, center_conflicts, center_cursor
from desktop.store import event_log
from sync.domain.case_rules import CaseState
from sync.domain.errors import ChainBroken, DomainError, ValidationError
from sync.domain.events import CENTER, GENESIS_HASH, new_event
from sync.domain.reference import retention_payload

from .workflow_helpers import center, registered


def _jpeg(tmp_path: Path, name: str = "户口簿首页.jpg") -> Path:
    path = tmp_path / name
    Image.new("RGB", (1200, 800), (200, 180, 150)).save(path, format="JPEG")
    return path


def test_attachment_is_stored_content_addressed_with_a_thumbnail(ctx: ServiceContext, tmp_path: Path) -> None:
    case_id = registered(ctx)
    path = _jpeg(tmp_path)
    add_attachment(ctx, case_id, path, note="户口簿首页")
    add_attachment(ctx, case_id, path)  # the same photo twice: one blob, two records
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    blob = ctx.db.data_dir / "blobs" / sha[:2] / sha[2:]
    assert blob.is_file() and path.read_bytes() not in blob.read_bytes()  # sealed at rest, named by the plaintext
    infos = list_attachments(ctx, case_id)
    assert [i.sha256 for i in infos] == [sha, sha]
    assert infos[0].mime == "image/jpeg" and infos[0].filename == "户口簿首页.jpg" and infos[0].note == "户口簿首页"
    png = thumbnail(ctx, sha)
    assert png is not None and png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as thumb:
        assert max(thumb.size) == 160
    assert read_attachment(ctx, sha) == path.read_bytes()
    assert get_case(ctx, case_id).attachment_count == 2
    with ctx.db.reading() as session:
        event = next(e for e in event_log.iter_events(session) if e.type == "case.attach")
    assert event.payload["blobs"] == [sha]
    with ctx.db.reading() as session:
        assert blobs_named(event_log.iter_events(session)) == [sha]
    assert blob_bytes(ctx, sha) == path.read_bytes()
    assert case_detail(ctx, case_id).attachments[0].sha256 == sha


def test_pdf_is_accepted_without_thumbnail_and_other_files_are_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    case_id = registered(ctx)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    add_attachment(ctx, case_id, pdf)
    assert thumbnail(ctx, list_attachments(ctx, case_id)[0].sha256) is None
    bad = tmp_path / "note.txt"
    bad.write_text("hello")
    with pytest.raises(ValidationError, match="不支持的附件类型") as err:
        add_attachment(ctx, case_id, bad)
    assert err.value.field == "file"
    with pytest.raises(ValidationError, match="找不到文件"):
        add_attachment(ctx, case_id, tmp_path / "missing.jpg")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError, match="空文件"):
        add_attachment(ctx, case_id, empty)
    assert len(list_attachments(ctx, case_id)) == 1


def test_missing_blob_gives_a_clear_message(ctx: ServiceContext) -> None:
    with pytest.raises(DomainError, match="附件文件不存在"):
        thumbnail(ctx, "f" * 64)


def test_center_event_is_idempotent_and_survives_rebuild(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    accepted = center(ctx, "case.center_accept", {"case_id": case_id})
    assert apply_center_event(ctx, accepted).message == "该记录已接收过"
    assert center_cursor(ctx) == 1
    workflow.suspend(ctx, case_id, "等待鉴定", "鉴定结论送达", StepConfirmation(on_paper=True))
    workflow.resume(ctx, case_id, "中止原因已消除", StepConfirmation(on_paper=True))
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    before = get_case(ctx, case_id)
    assert before.state is CaseState.COMPLETED
    with ctx.db.transaction() as session:
        event_log.rebuild_projection(session)
        event_log.verify(session)
    assert get_case(ctx, case_id) == before


def test_center_event_with_other_content_or_a_gap_is_refused(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    data = center(ctx, "case.center_accept", {"case_id": case_id})
    with pytest.raises(DomainError, match="内容不同"):
        apply_center_event(ctx, {**data, "hash": "0" * 64})
    station = require_station(ctx)
    gap = new_event(
        station_id=station.station_id,
        seq=5,
        prev_hash=GENESIS_HASH,
        type="case.center_complete",
        payload={"case_id": case_id},
        actor="周窗口",
        occurred_at=ctx.clock.stamp(),
        origin=CENTER,
    )
    with pytest.raises(ChainBroken, match="不连续"):
        apply_center_event(ctx, gap.to_dict())
    with pytest.raises(DomainError, match="不属于本代办站"):
        apply_center_event(ctx, {**data, "station_id": "other"})
    with pytest.raises(DomainError, match="格式不正确"):
        apply_center_event(ctx, {"id": "x"})
    station_made = {**data, "origin": "station"}
    with pytest.raises(DomainError):
        apply_center_event(ctx, station_made)


def test_center_event_that_no_longer_fits_is_kept_as_a_conflict(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    workflow.withdraw(ctx, case_id, "申请人不办了")
    changed = apply_center_event_safely(ctx, case_id)
    assert "无法应用" in changed
    (conflict,) = center_conflicts(ctx)
    assert conflict.case_id == case_id and "撤回" in conflict.reason
    assert get_case(ctx, case_id).state is CaseState.WITHDRAWN
    assert center_cursor(ctx) == 1
    with ctx.db.transaction() as session:
        event_log.rebuild_projection(session)
    assert get_case(ctx, case_id).state is CaseState.WITHDRAWN


def apply_center_event_safely(ctx: ServiceContext, case_id: str) -> str:
    station = require_station(ctx)
    event = new_event(
        station_id=station.station_id,
        seq=1,
        prev_hash=GENESIS_HASH,
        type="case.center_complete",
        payload={"case_id": case_id, "result": "办结"},
        actor="周窗口",
        occurred_at=ctx.clock.stamp(),
        origin=CENTER,
    )
    return apply_center_event(ctx, event.to_dict()).message


def test_center_event_without_a_case_is_stored_in_order(ctx: ServiceContext) -> None:
    center(ctx, "retention.published", retention_payload({"closed_case_days": 90}))
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    assert center_cursor(ctx) == 2 and center_conflicts(ctx) == []
    assert get_case(ctx, case_id).state is CaseState.IN_PROGRESS
