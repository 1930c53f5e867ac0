"""The new-case draft store: a sealed round trip, nothing without the data key."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.services.casework.cases import register_case
from desktop.services.casework.records import CaseDraft, MaterialDraft
from desktop.services.casework.registration_draft import (
    DRAFT_KEY,
    DraftSignature,
    RegistrationDraft,
    forget_draft,
    keep_draft,
    load_draft,
)
from desktop.services.context import ServiceContext
from desktop.store import settings
from desktop.store.crypto import DataLocked
from sync.domain.signature import Signature
from tests.domain.test_signature import CAPTURED_AT, make

from ..conftest import complete_draft

FORM = CaseDraft(
    kind="agency",
    item_code="MZ004",
    applicant_name="王秀英",
    id_number="11010519491231002X",
    phone="13800138000",
    address="城南村三组12号",
    special_groups=("老",),
    materials=(MaterialDraft("户口簿", True, 1, True, True), MaterialDraft("照片", False, 2, False, False)),
)


def test_a_draft_comes_back_as_it_was_kept(ctx: ServiceContext) -> None:
    assert load_draft(ctx) is None
    image = b"\x89PNG a photo of a paper signature"
    scan = Signature.from_scan("李代办", "代办员", image, captured_at=CAPTURED_AT)
    draft = RegistrationDraft(
        FORM, (DraftSignature("applicant", make()), DraftSignature("clerk", scan, image)), "ab" * 32, "李代办"
    )
    keep_draft(ctx, draft)
    loaded = load_draft(ctx)
    assert loaded is not None and loaded.saved_at
    assert loaded == RegistrationDraft(FORM, draft.signatures, "ab" * 32, "李代办", loaded.saved_at)
    forget_draft(ctx)
    assert load_draft(ctx) is None


def test_without_the_data_key_nothing_is_kept_or_read(ctx: ServiceContext) -> None:
    keep_draft(ctx, RegistrationDraft(FORM))
    slot = ctx.db.key_slot
    key, slot.key = slot.key, None
    try:
        assert load_draft(ctx) is None
        with pytest.raises(DataLocked):
            keep_draft(ctx, RegistrationDraft(FORM))
    finally:
        slot.key = key
    assert load_draft(ctx) is not None


def test_a_draft_whose_case_was_saved_before_a_crash_is_not_offered(ctx: ServiceContext) -> None:
    case = complete_draft(ctx)
    register_case(ctx, case)  # an earlier case of the same villager and 事项: the draft still counts
    keep_draft(ctx, RegistrationDraft(replace(case, signatures=())))
    assert load_draft(ctx) is not None
    register_case(ctx, complete_draft(ctx))  # saved; the app died before the draft was deleted
    assert load_draft(ctx) is None
    with ctx.db.reading() as session:
        assert settings.get(session, DRAFT_KEY) is None  # and it is gone for good
