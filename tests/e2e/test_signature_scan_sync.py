"""A paper signature's photo reaches the real town center before the signed events that name it."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.services.casework.cases import prepare_registration, register_case
from desktop.services.casework.handovers import prepare_handover, record_handover
from desktop.services.casework.records import HandoverDraft, HandoverInput
from desktop.services.context import ServiceContext
from desktop.services.station import setup_station
from desktop.services.syncing import center_sync
from sync.domain.clock import FixedClock
from tests.desktop.conftest import TODAY, complete_draft
from tests.desktop.services.print_helpers import inked, paper_signature, scanned
from tests.desktop.services.workflow_helpers import originals
from tests.sync.live_server import ServerHandle, issue_enrollment_code


@pytest.fixture
def enrolled(tmp_path: Path, server: ServerHandle) -> Iterator[ServiceContext]:
    station_code = f"S{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    setup_station(ctx, code=station_code, name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    enrollment = issue_enrollment_code(server.database_url, station_code, "城南村代办站")
    center_sync.connect_center(ctx, server.url, enrollment)
    yield ctx
    ctx.close()


def test_scanned_signatures_are_uploaded_with_their_events(enrolled: ServiceContext) -> None:
    ctx = enrolled
    entrustment_photo, handover_photo = paper_signature(), paper_signature(shade=80)
    draft = complete_draft(ctx)
    content = prepare_registration(ctx, draft).content_sha256
    sigs = (scanned("王秀英", "委托人", content, entrustment_photo), inked("李代办", "代办员", content))
    case_id = register_case(ctx, replace(draft, signatures=sigs)).case_ids[0]
    handover = HandoverDraft("villager", "clerk", tuple(originals(ctx, case_id)))
    signed = prepare_handover(ctx, case_id, handover).content_sha256
    handover_sigs = (scanned("王秀英", "委托人", signed, handover_photo), inked("李代办", "代办员", signed))
    record_handover(ctx, case_id, HandoverInput(handover, handover_sigs))

    center_sync.sync_now(ctx)  # the center refuses an event whose blobs have not fully arrived

    assert center_sync.status(ctx).pending == 0
    client = center_sync.make_client(ctx)
    named = {e.type: e.payload.get("blobs") for e in client.iter_events(0)}
    for type, photo in (("case.registered", entrustment_photo), ("case.handover", handover_photo)):
        sha = hashlib.sha256(photo).hexdigest()
        assert named[type] == [sha]
        assert client.fetch_blob(sha) == photo
