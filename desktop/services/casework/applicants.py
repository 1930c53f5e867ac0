"""What the station already knows about a villager, asked while a new entrustment is typed."""

from __future__ import annotations

from sqlalchemy import select

from desktop.store.models import CaseRow
from sync.crypto import id_index
from sync.domain.errors import DomainError
from sync.domain.text import normalize_name
from sync.domain.validation import validate_id_number

from ..context import ServiceContext


def other_names(ctx: ServiceContext, id_number: str, name: str) -> list[str]:
    """Names other than ``name`` this station has registered the 身份证 number ``id_number`` under.

    A warning, never a refusal (a name may have been corrected, or the number mistyped now): an
    invalid number or a locked data key finds nothing. The number is looked up by its blind index.
    """
    try:
        number = validate_id_number(id_number, today=ctx.today())
    except DomainError:
        return []
    key = ctx.db.key_slot.key
    if key is None:
        return []
    index = id_index(key, number)
    with ctx.db.reading() as session:
        names = session.scalars(
            select(CaseRow.applicant_name).where(CaseRow.id_number_index == index).order_by(CaseRow.registered_at)
        ).all()
    wanted = normalize_name(name).strip()
    found: list[str] = []
    for stored in names:
        if normalize_name(stored).strip() != wanted and stored not in found:
            found.append(stored)
    return found
