"""Every single-case form printed from a case built through the services, its text read back."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image

from desktop.services.casework import workflow
from desktop.services.casework.attachments import add_attachment_bytes
from desktop.services.casework.case_detail import case_events
from desktop.services.casework.cases import get_case, register_case
from desktop.services.casework.feedback import give_feedback
from desktop.services.casework.handovers import prepare_handover, record_handover
from desktop.services.casework.records import HandoverDraft, HandoverInput, ReturnInput, SignatureInput
from desktop.services.context import ServiceContext
from desktop.services.printing import case_forms
from desktop.services.printing.outcomes import (
    extension_data,
    extension_pdf,
    feedback_data,
    feedback_pdf,
    refusal_record_pdf,
    return_notice_data,
    return_notice_pdf,
)
from forms.data import HandoverDirection, Rating
from sync.domain.errors import DomainError
from sync.domain.signature import Signature
from tests.desktop.conftest import set_clock
from tests.domain.factories import SIGNED_AT

from ..conftest import complete_draft, promised_item
from .print_helpers import inked, inked_feedback, inked_handover, inked_registration, text
from .workflow_helpers import center, handover, originals, registered


def get_events(ctx: ServiceContext, case_id: str) -> list[str]:
    return [e.id for e in case_events(ctx, case_id)]


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def squash(value: str) -> str:
    return "".join(value.split())


@pytest.fixture
def waiting(ctx: ServiceContext) -> str:
    """A 承诺件 registered without its 身份证 (the 一次性告知 given on the spot), its 委托书 signed with ink."""
    draft = complete_draft(ctx)
    first = promised_item(ctx).materials[0].name
    draft = replace(draft, materials=tuple(replace(m, present=m.name != first) for m in draft.materials))
    return register_case(ctx, inked_registration(ctx, draft)).case_ids[0]


def test_one_time_notice_lists_every_missing_material_with_how_to_obtain_it(ctx: ServiceContext, waiting: str) -> None:
    item = promised_item(ctx)
    first = item.materials[0]
    view = get_case(ctx, waiting)
    notice = case_forms.one_time_notice_data(ctx, waiting)
    assert not notice.correction and [m.name for m in notice.missing] == [first.name]
    assert notice.consult_phone == "0000-1234502" and notice.supervise_phone == "0000-1234500"
    assert len(notice.process) >= 4
    pdf = text(case_forms.one_time_notice_pdf(ctx, waiting))
    for expected in (
        "一次性告知书",
        view.case_no,
        "王秀英",
        first.name,
        squash(first.how_to_obtain),
        squash(item.legal_basis),
        squash(item.conditions),
        item.fee,
        f"{item.promised_days}个工作日",
        "0000-1234502",
        "0000-1234500",
        "李代办",
        fmt(date(2026, 11, 23)),
    ):
        assert expected in pdf, expected
    for present in item.materials[1:]:
        assert squash(present.name) in pdf  # listed as 已提交


def test_the_centers_correction_request_prints_as_a_correction_notice(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(
        ctx,
        "case.center_request_correction",
        {"case_id": case_id, "missing": ["村委会出具的居住证明"], "reason": "户籍地与居住地不一致"},
    )
    notice = case_forms.one_time_notice_data(ctx, case_id)
    assert notice.correction
    pdf = text(case_forms.one_time_notice_pdf(ctx, case_id))
    assert "补正材料通知书" in pdf and "村委会出具的居住证明" in pdf and "户籍地与居住地不一致" in pdf
    assert [f.title for f in case_forms.printable_forms(ctx, case_id)][2] == "补正材料通知书"


def test_a_case_through_its_whole_life_prints_every_form(ctx: ServiceContext, waiting: str) -> None:
    set_clock(ctx, date(2026, 11, 25))
    workflow.supplement_received(ctx, waiting, [promised_item(ctx).materials[0].name])
    view = get_case(ctx, waiting)
    assert view.accepted_on == date(2026, 11, 25) and view.due_on is not None
    acceptance = text(case_forms.acceptance_pdf(ctx, waiting))
    for expected in ("王秀英", view.case_no, fmt(view.accepted_on), fmt(view.due_on), "承诺件", "0000-1234502"):
        assert expected in acceptance, expected
    for material in view.materials:
        assert squash(material.name) in acceptance

    record_handover(ctx, waiting, inked_handover(ctx, waiting, "villager", "clerk"))
    entrust = case_forms.entrustment_data(ctx, waiting)  # the ink of the 委托书 signed at registration
    assert entrust.applicant_signature is not None and entrust.applicant_signature.strokes
    assert entrust.agent_signature is not None and entrust.agent_signature.strokes
    entrust_text = text(case_forms.entrustment_pdf(ctx, waiting))
    assert "11010519491231002X" in entrust_text and "王秀英" in entrust_text

    set_clock(ctx, date(2026, 11, 27))
    new_due = date(2026, 12, 18)
    workflow.extend(ctx, waiting, new_due, "需调取1998年纸质缴费档案核实", True, approved_by="周主任")
    ext = extension_data(ctx, waiting)
    assert ext.original_due == view.due_on and ext.new_due == new_due and ext.extension_days > 0
    ext_text = text(extension_pdf(ctx, waiting))
    assert "需调取1998年纸质缴费档案核实" in ext_text and fmt(new_due) in ext_text and "周主任" in ext_text
    assert ext_text.count("延期办理告知书") >= 2  # applicant's copy and file copy
    reprint = text(case_forms.acceptance_pdf(ctx, waiting))  # the promised date stays; the new one beside it
    assert f"承诺办结日期{fmt(view.due_on)}" in reprint and f"延期办结日期{fmt(new_due)}" in reprint

    workflow.deliver(ctx, waiting, inked_handover(ctx, waiting, "clerk", "window"))
    center(ctx, "case.center_accept", {"case_id": waiting})
    result = "已核定养老待遇，按月发放"
    center(ctx, "case.center_complete", {"case_id": waiting, "result": result, "completed_on": "2026-12-01"})
    record_handover(ctx, waiting, inked_handover(ctx, waiting, "window", "clerk"))
    set_clock(ctx, date(2026, 12, 2))
    give_feedback(
        ctx,
        waiting,
        inked_feedback(ctx, waiting, 4, attitude="态度很好，讲得清楚"),
        inked_handover(ctx, waiting, "clerk", "villager"),
    )
    fb = feedback_data(ctx, waiting)
    assert fb.rating is Rating.SATISFIED and fb.applicant_signature is not None
    fb_text = text(feedback_pdf(ctx, waiting))
    for expected in ("服务意见反馈表", "王秀英", result, "态度很好，讲得清楚", fmt(date(2026, 12, 1))):
        assert expected in fb_text, expected

    menu = case_forms.printable_forms(ctx, waiting)
    keys = [f.key for f in menu]
    assert keys[:4] == ["entrustment", "intake", "one_time_notice", "acceptance"]
    assert keys.count("handover") == 4 and "extension" in keys and keys[-1] == "feedback"
    directions = [
        case_forms.handover_data(ctx, waiting, f.event_id or "").direction for f in menu if f.key == "handover"
    ]
    assert directions == list(HandoverDirection)
    last = [f for f in menu if f.key == "handover"][-1]
    back = text(case_forms.form_pdf(ctx, waiting, "handover", last.event_id))
    assert "材料签收单" in back and "王秀英" in back and "李代办" in back and "原件核验无误" in back
    for form in menu:
        assert case_forms.form_pdf(ctx, waiting, form.key, form.event_id).startswith(b"%PDF")


def test_return_prints_the_notice_and_the_denial_register(ctx: ServiceContext, waiting: str) -> None:
    data = ReturnInput(
        reasons=("申请人未满60周岁，不符合待遇领取条件", "缴费年限不足15年"),
        legal_basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》第六条",
        leader_opinion="同意退回，请代办员做好解释",
        basic_facts="申请人1970年出生，现年56周岁",
    )
    workflow.return_case(ctx, waiting, data)
    notice = return_notice_data(ctx, waiting)
    assert list(notice.reasons) == list(data.reasons) and notice.returned
    notice_text = text(return_notice_pdf(ctx, waiting))
    for expected in ("退回件通知书", "王秀英", *data.reasons, squash(data.legal_basis)):
        assert expected in notice_text, expected
    record = text(refusal_record_pdf(ctx, waiting))
    for expected in (
        "否定报备登记表",
        "王秀英",
        "13800138000",
        "申请人1970年出生，现年56周岁",
        "同意退回，请代办员做好解释",
        "李代办",
        "缴费年限不足15年",
    ):
        assert expected in record, expected
    assert {"return_notice", "refusal_record"} <= {f.key for f in case_forms.printable_forms(ctx, waiting)}


@pytest.mark.parametrize(
    ("render", "message"),
    [
        (extension_pdf, "该办件尚未延期，没有延期办理告知书"),
        (return_notice_pdf, "没有退回记录"),
        (refusal_record_pdf, "没有退回记录"),
        (feedback_pdf, "尚未交付结果并评价"),
        (case_forms.one_time_notice_pdf, "没有一次性告知书"),
    ],
)
def test_a_form_whose_event_is_missing_says_so(ctx: ServiceContext, render: object, message: str) -> None:
    case_id = registered(ctx)
    with pytest.raises(DomainError, match=message):
        render(ctx, case_id)  # type: ignore[operator]


def test_acceptance_and_handover_errors(ctx: ServiceContext, waiting: str) -> None:
    with pytest.raises(DomainError, match="尚未受理"):
        case_forms.acceptance_pdf(ctx, waiting)
    with pytest.raises(DomainError, match="没有这次材料交接"):
        case_forms.handover_pdf(ctx, waiting, "no-such-event")
    with pytest.raises(DomainError, match="找不到该办件"):
        case_forms.printable_forms(ctx, "no-such-case")
    keys = [f.key for f in case_forms.printable_forms(ctx, waiting)]
    assert keys == ["entrustment", "intake", "one_time_notice"]


def test_a_consultation_prints_its_one_time_notice(ctx: ServiceContext) -> None:
    case_id = registered(ctx, kind="consult")
    workflow.answer_consult(ctx, case_id, "材料齐全后可来站代办")
    item = promised_item(ctx)
    notice = case_forms.one_time_notice_data(ctx, case_id)
    assert [m.name for m in notice.missing] == [m.name for m in item.materials]
    assert [f.key for f in case_forms.printable_forms(ctx, case_id)] == ["one_time_notice"]


def test_signatures_print_as_ink_scan_or_blank_lines(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    assert case_forms.entrustment_data(ctx, case_id).applicant_signature is None  # no handover yet: pen and paper
    record_handover(ctx, case_id, handover(ctx, case_id, "villager", "clerk"))  # hashes only, no ink kept
    (form,) = [f for f in case_forms.printable_forms(ctx, case_id) if f.key == "handover"]
    blank = case_forms.handover_data(ctx, case_id, form.event_id or "")
    assert blank.from_signature is None and blank.to_signature is None
    assert (blank.from_name, blank.to_name) == ("王秀英", "李代办")

    image = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(image, format="PNG")
    add_attachment_bytes(ctx, case_id, image.getvalue(), "纸质签名.png")
    draft = HandoverDraft("clerk", "window", tuple(originals(ctx, case_id)))
    content = prepare_handover(ctx, case_id, draft).content_sha256
    scan = Signature.from_scan("李代办", "代办员", image.getvalue(), captured_at=SIGNED_AT)
    sigs = (
        SignatureInput("李代办", "代办员", scan.digest(), content, scan.to_dict()),
        inked("周窗口", "窗口工作人员", content),
    )
    workflow.deliver(ctx, case_id, HandoverInput(draft, sigs))
    last = [f for f in case_forms.printable_forms(ctx, case_id) if f.key == "handover"][-1]
    data = case_forms.handover_data(ctx, case_id, last.event_id or "")
    assert data.direction is HandoverDirection.CLERK_TO_CENTER
    assert data.from_signature is not None and data.from_signature.png == image.getvalue()
    assert data.to_signature is not None and data.to_signature.strokes
    assert "周窗口" in text(case_forms.handover_pdf(ctx, case_id, last.event_id or ""))


def test_a_return_by_the_town_center_prints_its_reasons(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(
        ctx,
        "case.center_return",
        {"case_id": case_id, "reason": "户籍不在本镇", "reasons": ["户籍不在本镇"], "legal_basis": "《办法》第三条"},
    )
    notice = text(return_notice_pdf(ctx, case_id))
    assert "户籍不在本镇" in notice and "《办法》第三条" in notice
    record = text(refusal_record_pdf(ctx, case_id))
    assert "户籍不在本镇" in record and "周窗口" in record  # the center's staff member handled it


def test_a_handover_inside_the_town_center_is_not_the_stations_paper(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    record_handover(ctx, case_id, handover(ctx, case_id, "villager", "clerk"))
    workflow.deliver(ctx, case_id, handover(ctx, case_id, "clerk", "window"))
    record_handover(ctx, case_id, handover(ctx, case_id, "window", "department"))
    forms = [f for f in case_forms.printable_forms(ctx, case_id) if f.key == "handover"]
    assert len(forms) == 2
    internal = get_events(ctx, case_id)[-1]
    with pytest.raises(DomainError, match="镇中心内部"):
        case_forms.handover_pdf(ctx, case_id, internal)


def test_an_immediate_case_never_gets_a_promised_case_notice(ctx: ServiceContext) -> None:
    from sync.domain.model import CaseType

    item = next(i for i in ctx.catalog.items if i.case_type is CaseType.IMMEDIATE)
    case_id = registered(ctx, item_code=item.code)
    assert "acceptance" not in [f.key for f in case_forms.printable_forms(ctx, case_id)]
    with pytest.raises(DomainError, match="即办件，不出具承诺件受理通知"):
        case_forms.acceptance_pdf(ctx, case_id)
