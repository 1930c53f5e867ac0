"""One transaction around a case: load it, append events as the current clerk."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop.store import event_log
from sync.domain.case_rules import ACTIONS, CaseState, check_transition
from sync.domain.clock import beijing, stamp
from sync.domain.errors import DomainError, ValidationError
from sync.domain.events import STATION, Event, canonical_json
from sync.domain.projection import CaseView
from sync.domain.signature import SCAN
from sync.domain.text import clean_text

from ..context import ServiceContext
from ..station import require_station
from .records import SignatureInput, StationInfo


@dataclass
class CaseOp:
    """The open transaction of one use case on one case, at one instant: its events' times and the
    dates in their payloads (``today``) come from the same reading of the clock, so a use case at
    23:59:59 Beijing time cannot put its event on one day and its date on the next."""

    ctx: ServiceContext
    session: Session
    station: StationInfo
    view: CaseView
    now: datetime

    @property
    def today(self) -> date:
        """The Beijing civil date of this use case."""
        return beijing(self.now).date()

    def append(self, type: str, payload: Mapping[str, Any]) -> Event:
        event = event_log.append(
            self.session,
            station_id=self.station.station_id,
            type=type,
            payload={"case_id": self.view.case_id, **payload},
            actor=self.station.clerk,
            occurred_at=stamp(self.now),
        )
        loaded = event_log.load_case(self.session, self.view.case_id)
        assert loaded is not None
        self.view = loaded
        return event

    def check(self, action: str) -> CaseState:
        """Refuse early, with the state machine's message, before building a payload."""
        return check_transition(action, self.view.state, self.view.kind, STATION, self.view.suspended_from)


@contextmanager
def case_op(ctx: ServiceContext, case_id: str, action: str | None = None) -> Iterator[CaseOp]:
    """Open one transaction on ``case_id`` (and check ``action`` is allowed now)."""
    station = require_station(ctx)
    with ctx.db.transaction() as session:
        view = event_log.load_case(session, case_id)
        if view is None:
            raise DomainError("找不到该办件")
        op = CaseOp(ctx, session, station, view, ctx.clock.now())
        if action is not None:
            op.check(action)
        yield op


def require_text(value: str, field: str, label: str, limit: int = 500, *, multiline: bool = True) -> str:
    """A free text the clerk must fill in, under the character rules of ``sync.domain.text``."""
    return clean_text(value, field=field, label=label, limit=limit, multiline=multiline, required=True)


def optional_text(value: str, field: str, label: str, limit: int = 500, *, multiline: bool = True) -> str:
    """A free text that may stay empty (a note), under the same rules."""
    return clean_text(value, field=field, label=label, limit=limit, multiline=multiline)


def action_label(action: str) -> str:
    spec = ACTIONS.get(action)
    return spec.label if spec else action


def scan_images(signatures: Iterable[SignatureInput]) -> dict[str, bytes]:
    """SHA-256 → bytes of the paper-signature photos among ``signatures``, each checked against its ink."""
    images: dict[str, bytes] = {}
    for sig in signatures:
        if sig.scan_image is None:
            continue
        sha256 = hashlib.sha256(sig.scan_image).hexdigest()
        ink = sig.data or {}
        if not sig.scan_image or ink.get("method") != SCAN or ink.get("image_sha256") != sha256:
            raise ValidationError("signatures", f"{sig.signer}的纸质签名照片与签名记录不符，请重新导入照片")
        images[sha256] = sig.scan_image
    return images


def signature_payload(signatures: tuple[SignatureInput, ...] | list[SignatureInput]) -> dict[str, Any]:
    """Signature references (+ the ink, when given) for an event payload; checks the ink's hash.

    Paper-signature photos are named in ``payload["blobs"]``: the save stores them
    (``attachments.store_scan_images``) and sync uploads them before the event.
    """
    refs: list[dict[str, str]] = []
    data: dict[str, Any] = {}
    for sig in signatures:
        refs.append(
            {
                "signer": sig.signer,
                "role": sig.role,
                "signature_sha256": sig.signature_sha256,
                "content_sha256": sig.content_sha256,
            }
        )
        if sig.data is not None:
            digest = hashlib.sha256(canonical_json(dict(sig.data)).encode("utf-8")).hexdigest()
            if digest != sig.signature_sha256:
                raise ValidationError("signatures", f"{sig.signer}的签名数据与其校验值不符，请重新签名")
            data[sig.signature_sha256] = dict(sig.data)
    payload: dict[str, Any] = {"signatures": refs}
    if data:
        payload["signature_data"] = data
    images = scan_images(signatures)
    if images:
        payload["blobs"] = list(images)
    return payload
