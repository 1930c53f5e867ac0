"""Migration 0006: a case row written before the character rules is found by its name again (issue 13)."""

from __future__ import annotations

from desktop.services.casework.cases import search_cases
from desktop.services.casework.records import CaseFilter
from desktop.services.context import ServiceContext
from desktop.store.db import current_revision, migrate
from desktop.store.personal_data import SEARCH_SEP
from tests.domain.names_corpus import LOOKALIKE_DOTS

from ..services.workflow_helpers import registered

TYPED = "阿依古丽\u2022买买提"  # as an input method typed it, before the rules normalised the dot


def _found(ctx: ServiceContext, query: str) -> list[str]:
    return [r.case_id for r in search_cases(ctx, CaseFilter(text=query))]


def test_a_name_stored_before_the_rules_is_found_after_migrating(ctx: ServiceContext) -> None:
    case_id = registered(ctx, applicant_name=TYPED)
    other = registered(ctx, applicant_name="王\U00020bb7堃", id_number="440308199001011239", phone="13900139000")
    with ctx.db.engine.begin() as conn:  # the row as 0005's code wrote it: the name as typed, upper-cased
        old = conn.exec_driver_sql("SELECT search_text FROM cases WHERE case_id = ?", (case_id,)).scalar_one()
        fields = old.split(SEARCH_SEP)
        stale = SEARCH_SEP.join([TYPED.upper(), *fields[1:]])
        conn.exec_driver_sql(
            "UPDATE cases SET applicant_name = ?, search_text = ? WHERE case_id = ?", (TYPED, stale, case_id)
        )
        untouched = conn.exec_driver_sql("SELECT search_text FROM cases WHERE case_id = ?", (other,)).scalar_one()
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0005'")
    assert _found(ctx, "阿依古丽·买买提") == []  # stale: not found by the stored spelling

    migrate(ctx.db.engine, "0006")  # the later migrations are already in the schema

    assert current_revision(ctx.db.engine) == "0006"
    for query in ["阿依古丽·买买提", "古丽·买买", *(f"阿依古丽{dot}买买提" for dot in LOOKALIKE_DOTS)]:
        assert _found(ctx, query) == [case_id], query
    assert _found(ctx, "王\U00020bb7堃") == [other]
    with ctx.db.engine.connect() as conn:
        fixed = conn.exec_driver_sql("SELECT search_text FROM cases WHERE case_id = ?", (case_id,)).scalar_one()
        assert fixed == SEARCH_SEP.join(["阿依古丽·买买提", *fields[1:]])
        assert (
            conn.exec_driver_sql("SELECT search_text FROM cases WHERE case_id = ?", (other,)).scalar_one() == untouched
        )
