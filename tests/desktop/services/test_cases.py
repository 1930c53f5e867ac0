from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.services.casework.cases import get_case, list_cases, register_case
from desktop.services.context import ServiceContext
from desktop.store import event_log
from sync.domain.calendar import add_working_days
from sync.domain.case_rules import CaseState
from sync.domain.errors import DomainError, ValidationError
from tests.desktop.conftest import set_clock

from ..conftest import TODAY, complete_draft, promised_item, signed


def _event_count(ctx: ServiceContext) -> int:
    with ctx.db.reading() as session:
        return event_log.count_events(session)


def test_complete_materials_accept_the_case_and_start_the_clock(ctx: ServiceContext) -> None:
    changed = register_case(ctx, complete_draft(ctx))
    view = get_case(ctx, changed.case_ids[0])
    item = promised_item(ctx)
    assert view.case_no == "CS01-20261123-0001"
    assert view.state is CaseState.ACCEPTED
    assert view.accepted_on == TODAY
    assert view.due_on == add_working_days(ctx.calendar, TODAY, item.promised_days).day
    assert view.clerk == "李代办"


def test_missing_materials_wait_for_correction(ctx: ServiceContext) -> None:
    draft = complete_draft(ctx)
    draft = signed(ctx, replace(draft, materials=tuple(replace(m, present=False) for m in draft.materials)))
    view = get_case(ctx, register_case(ctx, draft).case_ids[0])
    assert view.state is CaseState.AWAITING_MATERIALS
    assert view.due_on is None


def test_case_numbers_count_up_per_day(ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    second = register_case(ctx, complete_draft(ctx, applicant_name="赵四"))
    assert get_case(ctx, second.case_ids[0]).case_no == "CS01-20261123-0002"
    set_clock(ctx, date(2026, 11, 24))
    third = register_case(ctx, complete_draft(ctx, applicant_name="钱五"))
    assert get_case(ctx, third.case_ids[0]).case_no == "CS01-20261124-0001"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "校验位"),
        ({"applicant_name": "  "}, "name", "请填写姓名"),
        ({"phone": "138abc38000"}, "phone", "只能包含数字"),
        ({"item_code": ""}, "item_code", "请选择办理事项"),
        ({"kind": "other"}, "kind", "服务方式"),
        ({"materials": ()}, "materials", "材料清单"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    ctx: ServiceContext, changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as err:
        register_case(ctx, complete_draft(ctx, **changes))
    assert err.value.field == field
    assert message in err.value.message
    assert _event_count(ctx) == 0
    assert list_cases(ctx) == []


def test_unknown_matter_is_refused(ctx: ServiceContext) -> None:
    with pytest.raises(DomainError, match="没有编码"):
        register_case(ctx, complete_draft(ctx, item_code="NOPE"))


def test_list_masks_id_and_filters(ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    register_case(ctx, complete_draft(ctx, applicant_name="赵四", phone="13900139000"))
    rows = list_cases(ctx)
    assert [r.applicant_name for r in rows] == ["赵四", "王秀英"] or {r.applicant_name for r in rows} == {
        "赵四",
        "王秀英",
    }
    assert all(r.id_masked == "110105********002X" for r in rows)
    assert all("11010519491231002X" not in str(r) for r in rows)
    assert [r.applicant_name for r in list_cases(ctx, "赵")] == ["赵四"]
    assert [r.applicant_name for r in list_cases(ctx, "13900139000")] == ["赵四"]
    assert len(list_cases(ctx, "CS01-20261123")) == 2
    assert rows[0].sync_label == "未同步"
    assert rows[0].state_label == "已受理"
    assert rows[0].due_label.startswith("还剩")


def test_deadline_in_a_year_without_holiday_data_is_flagged(ctx: ServiceContext) -> None:
    set_clock(ctx, date(2026, 12, 28))
    register_case(ctx, complete_draft(ctx))
    (row,) = list_cases(ctx)
    assert row.due_on is not None and row.due_on.year == 2027
    assert "2027年" in row.due_warning and "周末" in row.due_warning


def test_deadline_within_covered_year_has_no_warning(ctx: ServiceContext) -> None:
    register_case(ctx, complete_draft(ctx))
    (row,) = list_cases(ctx)
    assert row.due_on is not None and row.due_on.year == 2026
    assert row.due_warning == ""
