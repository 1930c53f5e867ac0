"""What the printing services share: the station, parties, a case's events, signatures and catalog texts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.store import blob_store
from forms.data import MaterialLine, Party, Signature, Station
from sync.domain import signature as pad
from sync.domain.catalog import ServiceItem
from sync.domain.clock import beijing
from sync.domain.errors import DomainError
from sync.domain.events import Event
from sync.domain.model import MaterialItem
from sync.domain.projection import CaseView
from sync.domain.town import TownInfo

from ..casework.case_detail import case_events
from ..casework.cases import get_case
from ..casework.records import StationInfo
from ..context import ServiceContext
from ..station import require_station

#: 取件方式 printed on the 受理回执.
PICKUP = "办结后由代办员送达本人，并当面交还原件材料"


@dataclass(frozen=True)
class PrintableForm:
    """One entry of a case's 打印 menu; ``event_id`` names the handover for a 交接单."""

    key: str
    title: str
    event_id: str | None = None


def form_station(station: StationInfo, town: TownInfo | None = None) -> Station:
    """The station as a form prints it (its phone as set in 代办站设置); the town center's name and public
    case address as the center published them (本镇信息), else the town's default name and no address (QR
    codes hold the number)."""
    if town is None:
        return Station(
            name=station.name, code=station.code, phone=station.phone, town_center=f"{station.town}为民服务中心"
        )
    return Station(
        name=station.name,
        code=station.code,
        phone=station.phone,
        town_center=town.center_name,
        case_url_base=town.case_url_base,
    )


def applicant_party(view: CaseView) -> Party:
    a = view.applicant
    return Party(name=a.name, id_number=a.id_number, address=a.address, phone=a.phone)


def local_day(iso: str) -> date:
    """The station's calendar day of a stored UTC timestamp."""
    return local_time(iso).date()


def local_time(iso: str) -> datetime:
    """A stored UTC timestamp on Beijing's wall clock, without tzinfo (as forms print it)."""
    return beijing(datetime.fromisoformat(iso)).replace(tzinfo=None, second=0, microsecond=0)


def opt_date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


@dataclass(frozen=True)
class CaseFacts:
    """A case, its events in the order applied, the station and the catalog entry of its matter."""

    station: StationInfo
    view: CaseView
    events: tuple[Event, ...]
    item: ServiceItem | None

    @property
    def registered_on(self) -> date:
        return local_day(self.view.registered_at)

    def of_type(self, *types: str) -> list[Event]:
        return [e for e in self.events if e.type in types]

    def latest(self, types: Sequence[str], missing: str) -> Event:
        """The last event of one of ``types``; DomainError ``missing`` when there is none."""
        found = self.of_type(*types)
        if not found:
            raise DomainError(missing)
        return found[-1]

    def event(self, event_id: str, types: Sequence[str], missing: str) -> Event:
        for e in self.events:
            if e.id == event_id and e.type in types:
                return e
        raise DomainError(missing)


def case_facts(ctx: ServiceContext, case_id: str) -> CaseFacts:
    station = require_station(ctx)
    view = get_case(ctx, case_id)
    try:
        item: ServiceItem | None = ctx.catalog.get(view.item_code)
    except DomainError:
        item = None  # the center withdrew the matter since: print what the case recorded
    return CaseFacts(station, view, tuple(case_events(ctx, case_id)), item)


def material_lines(materials: Iterable[MaterialItem], note_missing: str = "") -> list[MaterialLine]:
    """One line per material brought, and, when ``note_missing`` is given, per *required* material
    missing (with that note). An optional material the villager did not bring is not his paper's
    business: it never reads "待补正" on a case accepted as complete."""
    return [
        MaterialLine(name=m.name, original=m.original, copies=m.copies, note="" if m.present else note_missing)
        for m in materials
        if m.present or (note_missing and m.required)
    ]


def handover_lines(payload: Mapping[str, Any]) -> list[MaterialLine]:
    return [
        MaterialLine(
            name=str(i["name"]),
            original=bool(i.get("original", True)),
            copies=int(i.get("copies", 1)),
            pages=int(i["pages"]) if i.get("pages") else None,
        )
        for i in payload.get("items") or ()
    ]


def printed_signature(ctx: ServiceContext, data: Mapping[str, Any] | None) -> Signature | None:
    """The ink of a captured signature (pad strokes, or the scan if its image is kept), else None (blank line)."""
    if not data:
        return None
    try:
        captured = pad.Signature.from_dict(data)
    except DomainError:
        return None
    if captured.method == pad.SCAN:
        try:
            return Signature(png=blob_store.get(ctx.db.data_dir, captured.image_sha256, ctx.db.key_slot))
        except (OSError, ValueError):
            return None
    return Signature(strokes=captured.strokes, width=pad.BOX_WIDTH, height=pad.BOX_HEIGHT)


def event_signatures(ctx: ServiceContext, payload: Mapping[str, Any]) -> list[Signature | None]:
    """The ink of each signature reference of an event, in the order signed (None where no ink was kept)."""
    refs = payload.get("signatures") or []
    if isinstance(payload.get("signature"), Mapping):
        refs = [payload["signature"]]
    inks: Mapping[str, Any] = payload.get("signature_data") or {}
    return [printed_signature(ctx, inks.get(str(ref.get("signature_sha256", "")))) for ref in refs]


def signers(payload: Mapping[str, Any]) -> list[str]:
    return [str(ref.get("signer", "")) for ref in payload.get("signatures") or ()]


_STEP = re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩]")
_PHONE = r"[：:]\s*([0-9０-９\-－ ]{5,})"


@dataclass(frozen=True)
class NoticeText:
    """The catalog's 办事指南 text taken apart: process steps and the two phone numbers."""

    process: tuple[str, ...]
    consult_phone: str
    supervise_phone: str


def notice_text(item: ServiceItem | None) -> NoticeText:
    text = item.notice if item else ""
    consult = re.search("咨询电话" + _PHONE, text)
    supervise = re.search("监督电话" + _PHONE, text)
    body = text.split("咨询电话")[0].split("监督电话")[0]
    body = body.removeprefix("办事流程：").removeprefix("办事流程:")
    steps = [s.strip(" ；;。") for s in _STEP.split(body)]
    process = tuple(s for s in steps if s)
    return NoticeText(
        process=process,
        consult_phone=consult.group(1).strip() if consult else "",
        supervise_phone=supervise.group(1).strip() if supervise else "",
    )


def promised_time(view: CaseView) -> str:
    if view.promised_days <= 0:
        return "材料齐全、符合条件的当场（即时）办结"
    return f"材料齐全受理后{view.promised_days}个工作日内办结"
