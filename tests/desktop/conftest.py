"""Station fixtures: a migrated temporary database with a station set up."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from desktop.services.casework.cases import prepare_registration
from desktop.services.casework.records import CaseDraft, MaterialDraft, SignatureInput
from desktop.services.context import ServiceContext
from desktop.services.station import setup_station
from sync.domain.catalog import ServiceItem
from sync.domain.clock import CHINA, FixedClock
from sync.domain.errors import ValidationError
from sync.domain.model import CaseType

TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[ServiceContext]:
    """A set-up station whose one clock stands at 10:00 Beijing time on ``TODAY`` (and runs on from there)."""
    context = ServiceContext.open(tmp_path / "data", FixedClock.on(TODAY))
    setup_station(context, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    yield context
    context.close()


def set_clock(
    ctx: ServiceContext, day: date, hour: int = 10, minute: int = 0, second: int = 0, *, tick: bool = True
) -> None:
    """Move the station's clock to Beijing wall time ``hour:minute:second`` on ``day`` (events, today, backups);
    without ``tick`` it stands still there (a test seconds from midnight must not depend on its own speed)."""
    clock = ctx.clock
    assert isinstance(clock, FixedClock), "the test station runs on a FixedClock"
    clock.set(datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CHINA), tick=tick)


@pytest.fixture
def on_day(ctx: ServiceContext) -> Callable[[date], None]:
    """Move the station's clock to 10:00 Beijing time on a day."""
    return lambda day: set_clock(ctx, day)


def promised_item(ctx: ServiceContext) -> ServiceItem:
    """The first 承诺件 of the catalog (a matter with a deadline in working days)."""
    return next(i for i in ctx.catalog.items if i.case_type is CaseType.PROMISED and i.promised_days > 0)


def signed(ctx: ServiceContext, draft: CaseDraft) -> CaseDraft:
    """``draft`` with the 委托书 signed by the 委托人 and the 代办员 (stand-in ink hashes, no strokes).

    A draft the service refuses stays unsigned: registering it raises the same Chinese message.
    """
    try:
        content = prepare_registration(ctx, draft).content_sha256
    except ValidationError:
        return replace(draft, signatures=())
    people = ((draft.applicant_name.strip(), "委托人"), ("李代办", "代办员"))
    return replace(
        draft,
        signatures=tuple(
            SignatureInput(name, role, hashlib.sha256(f"ink of {name}".encode()).hexdigest(), content)
            for name, role in people
        ),
    )


def complete_draft(ctx: ServiceContext, **changes: object) -> CaseDraft:
    """A valid 代办 draft of a 承诺件 with every catalog material present, its 委托书 signed.

    Changing a field of the result afterwards needs ``signed(ctx, changed)`` again."""
    item = promised_item(ctx)
    materials = tuple(
        MaterialDraft(name=m.name, original=m.original, copies=m.copies, required=m.required, present=True)
        for m in item.materials
    )
    data: dict[str, object] = {
        "kind": "agency",
        "item_code": item.code,
        "applicant_name": "王秀英",
        "id_number": "11010519491231002X",
        "phone": "13800138000",
        "address": "城南村三组12号",
        "special_groups": ("老",),
        "materials": materials,
    }
    data.update(changes)
    return signed(ctx, CaseDraft(**data))  # type: ignore[arg-type]
