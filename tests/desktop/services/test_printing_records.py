"""The 帮办代办受理单 and the 差评回访整改反馈单 of cases built through the services: what each is filled with,
when the 打印 menu offers it, and its key texts read back out of the PDF."""

from __future__ import annotations

import pytest

from desktop.services import printing
from desktop.services.cases import get_case, register_case
from desktop.services.context import ServiceContext
from sync.domain.errors import DomainError

from ..conftest import complete_draft
from .print_helpers import inked_registration, text
from .workflow_helpers import registered


def keys(ctx: ServiceContext, case_id: str) -> list[str]:
    return [f.key for f in printing.printable_forms(ctx, case_id)]


def test_the_intake_slip_carries_the_request_as_registered_with_both_inks(ctx: ServiceContext) -> None:
    case_id = register_case(ctx, inked_registration(ctx, complete_draft(ctx))).case_ids[0]
    view = get_case(ctx, case_id)
    slip = printing.intake_data(ctx, case_id)
    assert slip.service_kind == "代办" and slip.case_type == "承诺件"
    assert slip.promised_days == view.promised_days and slip.due_on == view.due_on
    assert slip.special_groups == "老年人"
    assert slip.applicant_signature is not None and slip.clerk_signature is not None
    assert [m.name for m in slip.materials] == [m.name for m in view.materials]
    printed = text(printing.form_pdf(ctx, case_id, "intake"))
    assert view.due_on is not None
    for expected in (
        "帮办代办受理单",
        view.case_no,
        "王秀英",
        "110105********002X",
        "13800138000",
        view.item_name,
        f"{view.promised_days}个工作日",
        f"{view.due_on.year}年{view.due_on.month}月{view.due_on.day}日",
        "申请人（签字）",
        "帮办代办员（签字）",
        "代办站盖章处",
    ):
        assert expected in printed, expected
    assert "11010519491231002X" not in printed  # masked: the 委托书 carries the full number
    assert keys(ctx, case_id)[:2] == ["entrustment", "intake"]


def test_missing_materials_are_listed_and_an_unsigned_slip_is_signed_on_paper(ctx: ServiceContext) -> None:
    case_id = registered(ctx, missing=("居民身份证",))
    slip = printing.intake_data(ctx, case_id)
    assert [m.note for m in slip.materials if m.name == "居民身份证"] == ["未提交，待补正"]
    assert slip.applicant_signature is None and slip.clerk_signature is None
    assert "未提交，待补正" in text(printing.intake_pdf(ctx, case_id))


def test_an_assisted_case_ticks_help(ctx: ServiceContext) -> None:
    case_id = registered(ctx, kind="assist")
    assert printing.intake_data(ctx, case_id).service_kind == get_case(ctx, case_id).kind.label == "帮办"


def test_a_consultation_has_no_intake_slip(ctx: ServiceContext) -> None:
    case_id = registered(ctx, kind="consult")
    assert "intake" not in keys(ctx, case_id)
    with pytest.raises(DomainError, match="不出具帮办代办受理单"):
        printing.intake_data(ctx, case_id)
