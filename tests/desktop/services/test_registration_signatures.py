"""The 委托书 signed at registration: required for 代办/帮办, bound to its content, printed with its ink."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.services.casework.case_detail import case_events
from desktop.services.casework.cases import SIGN_FIRST, get_case, prepare_registration, register_case
from desktop.services.casework.handovers import record_handover
from desktop.services.casework.records import CaseDraft, SignatureInput
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms
from desktop.services.station import require_station
from desktop.store import event_log
from sync.domain.entrustment import DEFAULT_SCOPE, registration_content
from sync.domain.errors import ValidationError
from sync.domain.signature import Signature
from sync.domain.signing import content_hash
from tests.domain.factories import SIGNED_AT

from ..conftest import complete_draft
from .print_helpers import inked, inked_handover, inked_registration, text


def _unsigned(ctx: ServiceContext, **changes: object) -> CaseDraft:
    return replace(complete_draft(ctx, **changes), signatures=())


def _count(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return event_log.count_events(session)


def _registered_payload(ctx: ServiceContext, case_id: str) -> dict[str, object]:
    (event,) = [e for e in case_events(ctx, case_id) if e.type == "case.registered"]
    return dict(event.payload)


@pytest.mark.parametrize("kind", ["agency", "assist"])
def test_agency_and_assist_need_the_signed_entrustment(ctx: ServiceContext, kind: str) -> None:
    with pytest.raises(ValidationError, match="请委托人和代办员在《代办服务委托书》上签名后再登记") as info:
        register_case(ctx, _unsigned(ctx, kind=kind))
    assert info.value.field == "signatures" and info.value.message == SIGN_FIRST
    assert _count(ctx) == 0


def test_a_consultation_is_registered_without_signatures(ctx: ServiceContext) -> None:
    case_id = register_case(ctx, _unsigned(ctx, kind="consult", materials=())).case_ids[0]
    payload = _registered_payload(ctx, case_id)
    assert "signatures" not in payload and "scope" not in payload


def test_field_errors_come_before_the_signature_request(ctx: ServiceContext) -> None:
    with pytest.raises(ValidationError, match="身份证号码校验位不正确"):
        register_case(ctx, _unsigned(ctx, id_number="110105194912310021"))


def test_the_registration_carries_the_signed_content_refs_and_ink(ctx: ServiceContext) -> None:
    draft = inked_registration(ctx, complete_draft(ctx))
    signed = prepare_registration(ctx, draft)
    assert "case_no" not in signed.content and "case_id" not in signed.content
    case_id = register_case(ctx, draft).case_ids[0]
    payload = _registered_payload(ctx, case_id)
    assert payload["scope"] == DEFAULT_SCOPE
    assert content_hash(registration_content(payload)) == signed.content_sha256
    refs = payload["signatures"]
    assert isinstance(refs, list)
    assert [(r["signer"], r["role"]) for r in refs] == [("王秀英", "委托人"), ("李代办", "代办员")]
    assert {r["content_sha256"] for r in refs} == {signed.content_sha256}
    ink = payload["signature_data"]
    assert isinstance(ink, dict) and set(ink) == {r["signature_sha256"] for r in refs}
    assert Signature.from_dict(ink[refs[0]["signature_sha256"]]).signer == "王秀英"
    assert get_case(ctx, case_id).case_no == "CS01-20261123-0001"


def test_changing_the_form_after_signing_needs_new_signatures(ctx: ServiceContext) -> None:
    draft = inked_registration(ctx, complete_draft(ctx))
    changed = replace(draft, phone="13912345678")
    with pytest.raises(ValidationError, match="王秀英签名后内容已被修改，请重新签名"):
        register_case(ctx, changed)
    fewer = replace(draft, materials=draft.materials[1:])
    with pytest.raises(ValidationError, match="签名后内容已被修改"):
        register_case(ctx, fewer)
    assert _count(ctx) == 0
    register_case(ctx, inked_registration(ctx, changed))
    assert _count(ctx) == 2


def test_one_signer_or_forged_ink_is_refused(ctx: ServiceContext) -> None:
    draft = inked_registration(ctx, complete_draft(ctx))
    with pytest.raises(ValidationError, match="需要2人签名"):
        register_case(ctx, replace(draft, signatures=draft.signatures[:1]))
    villager, clerk = draft.signatures
    forged = replace(villager, data={**dict(villager.data or {}), "signer": "李四"})
    with pytest.raises(ValidationError, match="王秀英的签名数据与其校验值不符"):
        register_case(ctx, replace(draft, signatures=(forged, clerk)))
    witness = replace(clerk, role="见证人")
    with pytest.raises(ValidationError, match="缺少代办员（受托人）的签名"):
        register_case(ctx, replace(draft, signatures=(villager, witness)))
    assert _count(ctx) == 0


def test_a_photo_of_a_paper_signature_signs_too(ctx: ServiceContext) -> None:
    draft = complete_draft(ctx)
    content = prepare_registration(ctx, draft).content_sha256
    scan = Signature.from_scan("王秀英", "委托人", b"\x89PNG photo of the paper signature", captured_at=SIGNED_AT)
    sigs = (
        SignatureInput("王秀英", "委托人", scan.digest(), content, scan.to_dict()),
        inked("李代办", "代办员", content),
    )
    case_id = register_case(ctx, replace(draft, signatures=sigs)).case_ids[0]
    assert _registered_payload(ctx, case_id)["signatures"]


def test_the_entrustment_prints_the_registration_ink_not_the_handovers(ctx: ServiceContext) -> None:
    case_id = register_case(ctx, inked_registration(ctx, complete_draft(ctx))).case_ids[0]
    data = case_forms.entrustment_data(ctx, case_id)
    payload = _registered_payload(ctx, case_id)
    ink = payload["signature_data"]
    assert isinstance(ink, dict)
    by_role = {ref["role"]: Signature.from_dict(ink[ref["signature_sha256"]]) for ref in payload["signatures"]}
    villager, clerk = by_role["委托人"], by_role["代办员"]
    assert villager.strokes != clerk.strokes
    assert data.applicant_signature is not None and data.applicant_signature.strokes == villager.strokes
    assert data.agent_signature is not None and data.agent_signature.strokes == clerk.strokes
    assert data.scope == DEFAULT_SCOPE
    record_handover(ctx, case_id, inked_handover(ctx, case_id, "villager", "clerk"))
    again = case_forms.entrustment_data(ctx, case_id)
    assert again.applicant_signature == data.applicant_signature
    assert "王秀英" in text(case_forms.entrustment_pdf(ctx, case_id))


def test_registrations_of_before_still_fold_and_print_with_the_intake_ink(ctx: ServiceContext) -> None:
    """Cases registered before the 委托书 was signed on screen: the first villager → clerk handover's ink."""
    station = require_station(ctx)
    payload = _registered_payload(ctx, register_case(ctx, complete_draft(ctx)).case_ids[0])
    legacy = {k: v for k, v in payload.items() if k not in ("signatures", "signature_data", "scope")}
    legacy.update(case_id="legacy-case", case_no="CS01-20261122-0001")
    with ctx.db.transaction() as session:
        event_log.append(
            session,
            station_id=station.station_id,
            type="case.registered",
            payload=legacy,
            actor="李代办",
            occurred_at=ctx.clock.stamp(),
        )
        event_log.append(
            session,
            station_id=station.station_id,
            type="case.accept",
            payload={"case_id": "legacy-case", "accepted_on": "2026-11-22", "due_on": "2026-12-04"},
            actor="李代办",
            occurred_at=ctx.clock.stamp(),
        )
    assert case_forms.entrustment_data(ctx, "legacy-case").applicant_signature is None  # pen and paper
    record_handover(ctx, "legacy-case", inked_handover(ctx, "legacy-case", "villager", "clerk"))
    data = case_forms.entrustment_data(ctx, "legacy-case")
    assert data.applicant_signature is not None and data.applicant_signature.strokes
    assert data.scope == DEFAULT_SCOPE
    with ctx.db.transaction() as session:  # signed and legacy registrations replay side by side
        assert event_log.rebuild_projection(session) == 2
