from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.services.casework.cases import list_cases, search_cases
from desktop.services.casework.records import CaseFilter
from desktop.services.context import ServiceContext
from sync.domain.errors import ValidationError
from tests.desktop.conftest import set_clock

from ..conftest import promised_item
from .workflow_helpers import registered

OTHER_ID = "440308199001011239"


@pytest.fixture
def three(ctx: ServiceContext) -> dict[str, str]:
    a = registered(ctx)
    b = registered(ctx, applicant_name="赵四", id_number=OTHER_ID, phone="13900139000")
    set_clock(ctx, date(2026, 11, 25))
    other_item = next(i for i in ctx.catalog.items if i.code != promised_item(ctx).code and i.materials)
    c = registered(ctx, applicant_name="钱五", item_code=other_item.code, phone="0731-8888888")
    return {"a": a, "b": b, "c": c, "other_item": other_item.name}


def _ids(rows: list) -> set[str]:  # type: ignore[type-arg]
    return {r.case_id for r in rows}


def test_filters_by_each_field(ctx: ServiceContext, three: dict[str, str]) -> None:
    a, b, c = three["a"], three["b"], three["c"]
    assert _ids(search_cases(ctx, CaseFilter(name="赵"))) == {b}
    assert _ids(search_cases(ctx, CaseFilter(phone="13900139000"))) == {b}  # the full number, by blind index
    assert _ids(search_cases(ctx, CaseFilter(phone="9000"))) == {b}  # the last digits the masked number keeps
    assert _ids(search_cases(ctx, CaseFilter(phone="139001"))) == set()  # middle digits are not stored in the clear
    assert _ids(search_cases(ctx, CaseFilter(phone="0731"))) == {c}
    assert _ids(search_cases(ctx, CaseFilter(phone="0731-8888888"))) == {c}
    assert _ids(search_cases(ctx, CaseFilter(phone="07318888888"))) == {c}
    assert _ids(search_cases(ctx, CaseFilter(id_number=OTHER_ID))) == {b}
    assert _ids(search_cases(ctx, CaseFilter(id_number="1239"))) == {b}
    assert _ids(search_cases(ctx, CaseFilter(id_number="002x"))) == {a, c}
    assert _ids(search_cases(ctx, CaseFilter(id_number="199001"))) == set()  # only the last digits match
    assert _ids(search_cases(ctx, CaseFilter(case_no="cs01-20261125"))) == {c}
    assert _ids(search_cases(ctx, CaseFilter(item=three["other_item"]))) == {c}
    assert _ids(search_cases(ctx, CaseFilter(state="accepted"))) == {a, b, c}
    # registration dates are the Beijing days the station's clock stamped: a and b on the 23rd, c on the 25th
    first, later = date(2026, 11, 23), date(2026, 11, 25)
    assert _ids(search_cases(ctx, CaseFilter(date_from=first, date_to=first))) == {a, b}
    assert _ids(search_cases(ctx, CaseFilter(date_from=first, date_to=later))) == {a, b, c}
    assert _ids(search_cases(ctx, CaseFilter(date_from=first + timedelta(days=1)))) == {c}
    assert _ids(search_cases(ctx, CaseFilter(date_from=later + timedelta(days=1)))) == set()
    assert _ids(search_cases(ctx, CaseFilter(name="钱", date_to=later - timedelta(days=1)))) == set()
    assert _ids(list_cases(ctx, "赵四")) == {b}
    # the free-text box: a whole number goes by blind index, a part by its masked digits
    assert _ids(list_cases(ctx, OTHER_ID)) == {b}
    assert _ids(list_cases(ctx, "13800138000")) == {a}
    assert _ids(list_cases(ctx, "8000")) == {a}
    assert _ids(search_cases(ctx, CaseFilter(id_number=OTHER_ID, phone="13900139000", name="赵"))) == {b}
    assert _ids(search_cases(ctx, CaseFilter(id_number=OTHER_ID, phone="13800138000"))) == set()


def test_name_filter_does_not_match_other_fields(ctx: ServiceContext, three: dict[str, str]) -> None:
    assert search_cases(ctx, CaseFilter(name="CS01")) == []
    assert _ids(search_cases(ctx, CaseFilter(text="CS01"))) == {three["a"], three["b"], three["c"]}


def test_like_wildcards_are_taken_literally(ctx: ServiceContext, three: dict[str, str]) -> None:
    assert search_cases(ctx, CaseFilter(text="%")) == []
    assert search_cases(ctx, CaseFilter(name="_")) == []


def test_list_masks_the_id_number(ctx: ServiceContext, three: dict[str, str]) -> None:
    rows = search_cases(ctx, CaseFilter(id_number=OTHER_ID))
    assert rows[0].id_masked == "440308********1239"
    assert OTHER_ID not in repr(rows)


@pytest.mark.parametrize(
    ("f", "field"),
    [
        (CaseFilter(id_number="12a4"), "id_number"),
        (CaseFilter(phone="abc"), "phone"),
        (CaseFilter(date_from=date(2026, 11, 25), date_to=date(2026, 11, 1)), "date_from"),
    ],
)
def test_bad_filters_are_refused_with_the_field(ctx: ServiceContext, f: CaseFilter, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        search_cases(ctx, f)
    assert err.value.field == field
