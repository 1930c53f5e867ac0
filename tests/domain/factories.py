"""Small builders of valid domain data for tests."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from typing import Any

from sync.domain.clock import FixedClock
from sync.domain.custody import HandoverItem, handover_content
from sync.domain.events import CENTER, GENESIS_HASH, STATION, Event, new_event
from sync.domain.signing import content_hash

ID_NUMBER = "11010519491231002X"


def registered_payload(case_no: str = "CS01-20261123-0001", kind: str = "agency", **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "case_id": str(uuid.uuid4()),
        "case_no": case_no,
        "kind": kind,
        "case_type": "promised",
        "applicant": {
            "name": "张三",
            "id_number": ID_NUMBER,
            "phone": "13800138000",
            "address": "一组",
            "special_groups": ["老"],
        },
        "item": {"code": "SB001", "name": "城乡居民基本养老保险参保登记", "department": "镇社保所", "promised_days": 5},
        "materials": [{"name": "居民身份证", "original": True, "copies": 1, "required": True, "present": True}],
    }
    payload.update(extra)
    return payload


#: When the test signatures were drawn (10:00 Beijing time on the test day).
SIGNED_AT = "2026-11-23T02:00:00.000+00:00"


class Chain:
    """Builds a valid hash chain of events for one station."""

    def __init__(self, station_id: str = "station-1", clock: FixedClock | None = None) -> None:
        self.station_id = station_id
        self.events: list[Event] = []
        self.clock = clock or FixedClock.on(date(2026, 11, 23))

    def add(self, type: str, payload: dict[str, Any], *, origin: str = STATION, actor: str = "李代办") -> Event:
        prev = self.events[-1].hash if self.events else GENESIS_HASH
        event = new_event(
            station_id=self.station_id,
            seq=len(self.events) + 1,
            prev_hash=prev,
            type=type,
            payload=payload,
            actor=actor,
            occurred_at=self.clock.stamp(),
            origin=origin,
        )
        self.events.append(event)
        return event

    def center(self, type: str, payload: dict[str, Any]) -> Event:
        return self.add(type, payload, origin=CENTER, actor="镇中心窗口")


def signature_ref(signer: str, role: str, content: dict[str, Any]) -> dict[str, str]:
    """A signature reference over ``content`` (the signature data is a stand-in)."""
    return {
        "signer": signer,
        "role": role,
        "signature_sha256": hashlib.sha256(f"ink of {signer}".encode()).hexdigest(),
        "content_sha256": content_hash(content),
    }


def signed_handover(
    case_id: str, from_holder: str, to_holder: str, items: list[dict[str, Any]], note: str = ""
) -> dict[str, Any]:
    """A complete ``case.handover`` payload signed by both sides."""
    parsed = [HandoverItem.from_dict(i) for i in items]
    content = handover_content(case_id, from_holder, to_holder, parsed, note)
    return {
        **content,
        "signatures": [signature_ref("张三", "委托人", content), signature_ref("李代办", "代办员", content)],
    }
