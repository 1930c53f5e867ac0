"""A photo of a paper signature is stored with the signed event: it prints, and it travels to the center."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.services.casework import workflow
from desktop.services.casework.attachments import blobs_named, read_attachment
from desktop.services.casework.case_detail import case_events
from desktop.services.casework.cases import prepare_registration, register_case
from desktop.services.casework.feedback import give_feedback, prepare_feedback
from desktop.services.casework.handovers import prepare_handover, record_handover
from desktop.services.casework.records import FeedbackDraft, FeedbackInput, HandoverDraft, HandoverInput
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms
from desktop.services.printing.outcomes import feedback_pdf
from desktop.services.station import require_station
from desktop.services.syncing import transfer
from desktop.store import blob_store, event_log
from sync.client import credentials
from sync.domain.errors import ValidationError
from sync.domain.events import Event

from ..conftest import complete_draft
from .print_helpers import inked, inked_handover, paper_signature, scan_images_in, scanned
from .workflow_helpers import center, originals


def events_of(ctx: ServiceContext, case_id: str, type: str) -> list[Event]:
    return [e for e in case_events(ctx, case_id) if e.type == type]


def _count(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return event_log.count_events(session)


def _register_with_scan(ctx: ServiceContext, image: bytes) -> str:
    draft = complete_draft(ctx)
    content = prepare_registration(ctx, draft).content_sha256
    sigs = (scanned("王秀英", "委托人", content, image), inked("李代办", "代办员", content))
    return register_case(ctx, replace(draft, signatures=sigs)).case_ids[0]


def test_the_entrustment_signed_on_paper_keeps_the_photo_and_prints_it(ctx: ServiceContext) -> None:
    image = paper_signature()
    sha = hashlib.sha256(image).hexdigest()
    case_id = _register_with_scan(ctx, image)

    (registered,) = events_of(ctx, case_id, "case.registered")
    assert registered.payload["blobs"] == [sha]
    ink = registered.payload["signature_data"]
    assert {d["method"] for d in ink.values()} == {"scan", "pad"}
    assert blob_store.exists(ctx.db.data_dir, sha)
    assert image not in blob_store.blob_path(ctx.db.data_dir, sha).read_bytes()  # sealed at rest
    assert read_attachment(ctx, sha) == image
    with ctx.db.reading() as session:
        assert sha in blobs_named(event_log.iter_events(session))

    data = case_forms.entrustment_data(ctx, case_id)
    assert data.applicant_signature is not None and data.applicant_signature.png == image
    assert data.agent_signature is not None and data.agent_signature.strokes
    assert scan_images_in(case_forms.entrustment_pdf(ctx, case_id)) == 1


def test_pad_signatures_name_no_blob_and_print_no_image(ctx: ServiceContext) -> None:
    draft = complete_draft(ctx)
    content = prepare_registration(ctx, draft).content_sha256
    sigs = (inked("王秀英", "委托人", content), inked("李代办", "代办员", content, seed=7))
    case_id = register_case(ctx, replace(draft, signatures=sigs)).case_ids[0]
    (registered,) = events_of(ctx, case_id, "case.registered")
    assert "blobs" not in registered.payload
    assert scan_images_in(case_forms.entrustment_pdf(ctx, case_id)) == 0
    assert not (ctx.db.data_dir / "blobs").exists()


def test_a_handover_signed_on_paper_prints_the_photo(ctx: ServiceContext) -> None:
    case_id = _register_with_scan(ctx, paper_signature())
    image = paper_signature(shade=90)
    draft = HandoverDraft("villager", "clerk", tuple(originals(ctx, case_id)))
    content = prepare_handover(ctx, case_id, draft).content_sha256
    sigs = (scanned("王秀英", "委托人", content, image), inked("李代办", "代办员", content))
    record_handover(ctx, case_id, HandoverInput(draft, sigs))

    (event,) = events_of(ctx, case_id, "case.handover")
    sha = hashlib.sha256(image).hexdigest()
    assert event.payload["blobs"] == [sha] and read_attachment(ctx, sha) == image
    data = case_forms.handover_data(ctx, case_id, event.id)
    assert data.from_signature is not None and data.from_signature.png == image
    assert scan_images_in(case_forms.handover_pdf(ctx, case_id, event.id)) == 1


def test_feedback_and_its_handover_signed_on_paper_keep_both_photos(ctx: ServiceContext) -> None:
    case_id = _register_with_scan(ctx, paper_signature())
    record_handover(ctx, case_id, inked_handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "办结"})
    handover_image, feedback_image = paper_signature(shade=60), paper_signature(shade=120)
    draft = HandoverDraft("clerk", "villager", tuple(originals(ctx, case_id)))
    content = prepare_handover(ctx, case_id, draft).content_sha256
    handover = HandoverInput(
        draft, (inked("李代办", "代办员", content), scanned("王秀英", "委托人", content, handover_image))
    )
    form = FeedbackDraft(result_confirmed=True, rating=5, comments={})
    signed = prepare_feedback(ctx, case_id, form)
    give_feedback(
        ctx, case_id, FeedbackInput(form, scanned("王秀英", "委托人", signed.content_sha256, feedback_image)), handover
    )

    (given,) = events_of(ctx, case_id, "case.give_feedback")
    feedback_sha = hashlib.sha256(feedback_image).hexdigest()
    assert given.payload["blobs"] == [feedback_sha]
    assert read_attachment(ctx, feedback_sha) == feedback_image
    assert read_attachment(ctx, hashlib.sha256(handover_image).hexdigest()) == handover_image
    assert scan_images_in(feedback_pdf(ctx, case_id)) == 1
    back = events_of(ctx, case_id, "case.handover")[-1]
    assert scan_images_in(case_forms.handover_pdf(ctx, case_id, back.id)) == 1


def test_a_photo_that_is_not_the_signed_one_saves_nothing(ctx: ServiceContext) -> None:
    draft = complete_draft(ctx)
    content = prepare_registration(ctx, draft).content_sha256
    other = replace(scanned("王秀英", "委托人", content, paper_signature()), scan_image=paper_signature(shade=200))
    with pytest.raises(ValidationError, match="王秀英的纸质签名照片与签名记录不符") as info:
        register_case(ctx, replace(draft, signatures=(other, inked("李代办", "代办员", content))))
    assert info.value.field == "signatures"
    pad_with_photo = replace(inked("王秀英", "委托人", content), scan_image=paper_signature())
    with pytest.raises(ValidationError, match="纸质签名照片与签名记录不符"):
        register_case(ctx, replace(draft, signatures=(pad_with_photo, inked("李代办", "代办员", content))))
    assert _count(ctx) == 0 and not (ctx.db.data_dir / "blobs").exists()


def test_a_photo_that_cannot_be_stored_saves_no_event(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(*_args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(blob_store, "put", disk_full)
    with pytest.raises(OSError):
        _register_with_scan(ctx, paper_signature())
    assert _count(ctx) == 0


def test_the_usb_export_carries_the_photo(ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    image = paper_signature()
    _register_with_scan(ctx, image)
    station_id = require_station(ctx).station_id
    monkeypatch.setattr(credentials, "load_token", lambda sid: "t" * 43 if sid == station_id else None)
    path = tmp_path / "to_center.dbt"
    transfer.export_to_file(ctx, path)
    with zipfile.ZipFile(path) as stick:
        assert stick.read(f"blobs/{hashlib.sha256(image).hexdigest()}") == image
