"""The new-case dialog's draft: what the clerk has typed and the signatures given, kept while typing.

A crash, a power cut or a closed dialog loses nothing: the next time the
dialog opens it offers the draft back. One draft per station, in the
``settings`` table, its whole content (the villager's 身份证 number, phone and
signature ink included) sealed with the station's data key like every other
piece of personal data (AES-GCM, bound to ``draft:new_case``). It is deleted
when the case is saved or the clerk discards it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.store import settings
from desktop.store.crypto import DataKey
from desktop.store.models import CaseRow
from sync.crypto import id_index
from sync.domain.errors import DomainError
from sync.domain.signature import Signature
from sync.domain.validation import normalize_id_number

from ..context import ServiceContext
from .records import CaseDraft, MaterialDraft

log = logging.getLogger(__name__)

#: The settings row (its value: ``{"saved_at": ..., "sealed": envelope}``).
DRAFT_KEY = "new_case_draft"
_AAD = "draft:new_case"


@dataclass(frozen=True)
class DraftSignature:
    """One side's signature on the 委托书 (``side``: "applicant" or "clerk"), a scan's image with it."""

    side: str
    signature: Signature
    scan: bytes | None = None


@dataclass(frozen=True)
class RegistrationDraft:
    """The form as typed, and the signatures over the content whose hash is ``content_sha256``."""

    form: CaseDraft
    signatures: tuple[DraftSignature, ...] = ()
    content_sha256: str = ""
    clerk_name: str = ""
    #: When it was kept (ISO, Beijing time); filled by ``keep_draft``.
    saved_at: str = ""


def _to_json(draft: RegistrationDraft) -> dict[str, Any]:
    form = asdict(draft.form)
    form.pop("signatures", None)
    return {
        "form": form,
        "signatures": [
            {
                "side": s.side,
                "signature": s.signature.to_dict(),
                "scan": base64.b64encode(s.scan).decode("ascii") if s.scan is not None else None,
            }
            for s in draft.signatures
        ],
        "content_sha256": draft.content_sha256,
        "clerk_name": draft.clerk_name,
    }


def _from_json(data: Mapping[str, Any], saved_at: str) -> RegistrationDraft:
    form = dict(data["form"])
    materials = tuple(MaterialDraft(**m) for m in form.pop("materials", ()))
    groups = tuple(str(g) for g in form.pop("special_groups", ()))
    case_draft = CaseDraft(
        kind=str(form["kind"]),
        item_code=str(form["item_code"]),
        applicant_name=str(form["applicant_name"]),
        id_number=str(form["id_number"]),
        phone=str(form["phone"]),
        address=str(form.get("address", "")),
        special_groups=groups,
        materials=materials,
    )
    signatures = tuple(
        DraftSignature(
            str(s["side"]),
            Signature.from_dict(s["signature"]),
            base64.b64decode(s["scan"]) if s.get("scan") else None,
        )
        for s in data.get("signatures", ())
    )
    return RegistrationDraft(
        case_draft, signatures, str(data.get("content_sha256", "")), str(data.get("clerk_name", "")), saved_at
    )


def keep_draft(ctx: ServiceContext, draft: RegistrationDraft) -> None:
    """Replace the station's draft with ``draft`` (sealed with the data key; locked: raises DataLocked)."""
    key = ctx.db.key_slot.require()
    sealed = key.seal(_to_json(draft), _AAD)
    with ctx.db.transaction() as session:
        settings.put(session, DRAFT_KEY, {"saved_at": ctx.clock.stamp(), "sealed": sealed})


def load_draft(ctx: ServiceContext) -> RegistrationDraft | None:
    """The kept draft, or None (none kept, the data key locked, a draft that no longer reads, or one
    whose case was registered after it was kept: the app died between saving the case and deleting it)."""
    with ctx.db.reading() as session:
        row = settings.get(session, DRAFT_KEY)
        key = ctx.db.key_slot.key
        if not isinstance(row, Mapping) or key is None:
            return None
        try:
            draft = _from_json(key.open(str(row["sealed"]), _AAD), str(row.get("saved_at", "")))
        except (DomainError, KeyError, TypeError, ValueError, binascii.Error):
            log.warning("the kept new-case draft does not read; it is ignored")
            return None
        registered = _registered_since(session, key, draft)
    if registered:
        forget_draft(ctx)
        return None
    return draft


def _registered_since(session: Session, key: DataKey, draft: RegistrationDraft) -> bool:
    """A case of the draft's 身份证 number and 事项 was registered at or after the draft was kept."""
    form = draft.form
    number = normalize_id_number(form.id_number)
    if not draft.saved_at or not form.item_code or len(number) != 18:
        return False
    found = session.scalar(
        select(CaseRow.case_id)
        .where(CaseRow.id_number_index == id_index(key, number))
        .where(CaseRow.registered_at >= draft.saved_at)
        .where(func.json_extract(CaseRow.data, "$.item_code") == form.item_code)
        .limit(1)
    )
    return found is not None


def forget_draft(ctx: ServiceContext) -> None:
    """Delete the draft (the case was saved, or the clerk discarded it)."""
    with ctx.db.transaction() as session:
        settings.put(session, DRAFT_KEY, None)
