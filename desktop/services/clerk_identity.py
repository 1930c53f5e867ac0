"""Each clerk's 身份证 number and phone: sealed like the villagers', printed on the 委托书 as 受托人.

Both are optional (a station set up before they were asked has none); when
given they are checked as a villager's are. The row keeps masked copies for
the clerk list and the real values in one envelope bound to
``clerk:<username>``, so they are read only with the station's data key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.crypto import key_slot
from desktop.store.models import ClerkRow
from forms.data import Party
from sync.domain.errors import DomainError
from sync.domain.personal_data import masked_phone
from sync.domain.validation import mask_id_number, validate_id_number, validate_phone

from .casework.records import StationInfo
from .context import ServiceContext


@dataclass(frozen=True)
class ClerkIdentity:
    id_number: str = ""
    phone: str = ""


def clerk_aad(username: str) -> str:
    return f"clerk:{username}"


def checked(ctx: ServiceContext, id_number: str, phone: str) -> ClerkIdentity:
    """The numbers as stored (normalised), or ``ValidationError``; blank stays blank."""
    today = ctx.clock.today()
    return ClerkIdentity(
        id_number=validate_id_number(id_number, today=today, field="clerk_id_number") if id_number.strip() else "",
        phone=validate_phone(phone, field="clerk_phone") if phone.strip() else "",
    )


def store(session: Session, row: ClerkRow, identity: ClerkIdentity) -> None:
    """Seal ``identity`` into ``row`` (in the caller's transaction; the data key must be open)."""
    if not identity.id_number and not identity.phone:
        row.id_number_masked, row.phone_masked, row.sealed = "", "", None
        return
    key = key_slot(session).require()
    row.id_number_masked = mask_id_number(identity.id_number) if identity.id_number else ""
    row.phone_masked = masked_phone(identity.phone) if identity.phone else ""
    row.sealed = key.seal({"id_number": identity.id_number, "phone": identity.phone}, clerk_aad(row.username))


def read(session: Session, row: ClerkRow) -> ClerkIdentity:
    if not row.sealed:
        return ClerkIdentity()
    values = key_slot(session).require().open(row.sealed, clerk_aad(row.username))
    return ClerkIdentity(id_number=str(values.get("id_number", "")), phone=str(values.get("phone", "")))


def set_identity(ctx: ServiceContext, username: str, id_number: str, phone: str) -> ClerkIdentity:
    """Record (or correct) a clerk's 身份证 number and phone."""
    identity = checked(ctx, id_number, phone)
    with ctx.db.transaction() as session:
        row = session.get(ClerkRow, username)
        if row is None:
            raise DomainError("没有这个代办员账号")
        store(session, row, identity)
    return identity


def identity_of(ctx: ServiceContext, username: str) -> ClerkIdentity:
    with ctx.db.reading() as session:
        row = session.get(ClerkRow, username)
        return read(session, row) if row is not None else ClerkIdentity()


def acting_clerk_identity(ctx: ServiceContext, display_name: str) -> ClerkIdentity:
    """The numbers of the clerk who acted under ``display_name`` (a case's 经办人, events carry the name):
    the logged-in clerk when the names match, else the account of that name; blank when none has them."""
    with ctx.db.reading() as session:
        rows = list(session.scalars(select(ClerkRow).where(ClerkRow.display_name == display_name)))
        current = ctx.clerk.username if ctx.clerk is not None else ""
        rows.sort(key=lambda r: (r.username != current, not r.active, r.username))
        for row in rows:
            if row.sealed:
                return read(session, row)
    return ClerkIdentity()


def agent_party(ctx: ServiceContext, clerk_name: str, station: StationInfo) -> Party:
    """The 受托人 of a 委托书: the acting clerk, full numbers (as the 委托人's), the station as address."""
    identity = acting_clerk_identity(ctx, clerk_name)
    return Party(
        name=clerk_name,
        id_number=identity.id_number,
        phone=identity.phone,
        address=f"{station.name}（{station.address}）" if station.address else station.name,
    )
