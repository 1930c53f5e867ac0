"""Builders for workflow tests: signatures, handovers, feedback and town-center events."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from desktop.services.casework.cases import register_case
from desktop.services.casework.feedback import prepare_feedback
from desktop.services.casework.handovers import prepare_handover
from desktop.services.casework.records import (
    FeedbackDraft,
    FeedbackInput,
    HandoverDraft,
    HandoverInput,
    HandoverItemDraft,
    SignatureInput,
)
from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.services.syncing.center import apply_center_event
from desktop.store import center_log
from sync.domain.events import CENTER, new_event

from ..conftest import complete_draft, signed


def sign(signer: str, role: str, content_sha256: str) -> SignatureInput:
    return SignatureInput(
        signer=signer,
        role=role,
        signature_sha256=hashlib.sha256(f"ink of {signer}".encode()).hexdigest(),
        content_sha256=content_sha256,
    )


def originals(ctx: ServiceContext, case_id: str) -> list[HandoverItemDraft]:
    from desktop.services.casework.cases import get_case

    view = get_case(ctx, case_id)
    return [HandoverItemDraft(m.name, m.original, m.copies) for m in view.materials if m.present]


def handover(
    ctx: ServiceContext,
    case_id: str,
    from_holder: str,
    to_holder: str,
    items: Sequence[HandoverItemDraft] | None = None,
) -> HandoverInput:
    draft = HandoverDraft(from_holder, to_holder, tuple(items if items is not None else originals(ctx, case_id)))
    signed = prepare_handover(ctx, case_id, draft)
    people = {"villager": ("王秀英", "委托人"), "clerk": ("李代办", "代办员"), "window": ("周窗口", "窗口工作人员")}
    people["department"] = ("民政办", "部门经办人")
    return HandoverInput(
        draft,
        (sign(*people[from_holder], signed.content_sha256), sign(*people[to_holder], signed.content_sha256)),
    )


def feedback(ctx: ServiceContext, case_id: str, rating: int = 5, **comments: str) -> FeedbackInput:
    draft = FeedbackDraft(result_confirmed=True, rating=rating, comments=comments)
    signed = prepare_feedback(ctx, case_id, draft)
    return FeedbackInput(draft, sign("王秀英", "委托人", signed.content_sha256))


def center(ctx: ServiceContext, type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Make the next event of the station's center chain and apply it as the pull path would."""
    station = require_station(ctx)
    with ctx.db.reading() as session:
        seq, prev = center_log.head(session)
    event = new_event(
        station_id=station.station_id,
        seq=seq + 1,
        prev_hash=prev,
        type=type,
        payload=payload,
        actor="周窗口",
        occurred_at=ctx.clock.stamp(),
        origin=CENTER,
    )
    data = event.to_dict()
    apply_center_event(ctx, data)
    return data


def registered(ctx: ServiceContext, *, missing: Sequence[str] = (), **changes: Any) -> str:
    """Register a 代办 case; names in ``missing`` are not present (so it waits for 补正)."""
    draft = complete_draft(ctx, **changes)
    mats = tuple(replace(m, present=m.name not in missing) for m in draft.materials)
    return register_case(ctx, signed(ctx, replace(draft, materials=mats))).case_ids[0]
