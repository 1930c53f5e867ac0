"""Station fixtures: a migrated temporary database with a station set up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop.services.context import ServiceContext
from desktop.services.records import CaseDraft, MaterialDraft
from desktop.services.station import setup_station
from sync.domain.catalog import ServiceItem
from sync.domain.model import CaseType

TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[ServiceContext]:
    context = ServiceContext.open(tmp_path / "data", today=lambda: TODAY)
    setup_station(context, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    yield context
    context.close()


def promised_item(ctx: ServiceContext) -> ServiceItem:
    """The first 承诺件 of the catalog (a matter with a deadline in working days)."""
    return next(i for i in ctx.catalog.items if i.case_type is CaseType.PROMISED and i.promised_days > 0)


def complete_draft(ctx: ServiceContext, **changes: object) -> CaseDraft:
    """A valid 代办 draft of a 承诺件 with every catalog material present."""
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
    return CaseDraft(**data)  # type: ignore[arg-type]
