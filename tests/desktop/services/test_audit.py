from __future__ import annotations

import pytest

from desktop.services.casework.case_detail import case_detail
from desktop.services.context import ServiceContext
from desktop.services.safety.audit import id_number_reads, reveal_id_number
from desktop.store import event_log
from sync.domain.errors import ValidationError

from .workflow_helpers import registered

FULL = "11010519491231002X"


def test_case_page_masks_the_id_and_a_full_read_is_recorded(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    detail = case_detail(ctx, case_id)
    assert detail.view.applicant.id_number == "110105********002X"
    assert FULL not in repr(detail)
    with pytest.raises(ValidationError) as err:
        reveal_id_number(ctx, case_id, " ")
    assert err.value.field == "purpose"
    assert id_number_reads(ctx, case_id) == []
    assert reveal_id_number(ctx, case_id, "打印委托书核对") == FULL
    (read,) = id_number_reads(ctx, case_id)
    assert read.actor == "李代办" and "打印委托书核对" in read.sentence
    with ctx.db.transaction() as session:
        event_log.verify(session)
        event_log.rebuild_projection(session)
    assert case_detail(ctx, case_id).view.event_count == detail.view.event_count
