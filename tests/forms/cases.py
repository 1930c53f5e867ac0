"""Every form with its demo record and the fields it deliberately does not print."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forms import (
    acceptance,
    archive_list,
    archive_register,
    closure,
    demo,
    demo_review,
    demo_steps,
    entrustment,
    extension,
    feedback,
    handover,
    intake,
    ledger,
    one_time_notice,
    rating_followup,
    refusal_record,
    resumption,
    return_notice,
    review,
    suspension,
    withdrawal,
)


@dataclass(frozen=True)
class FormCase:
    id: str
    record: Callable[[], Any]
    render: Callable[[Any], bytes]
    skip: frozenset[str] = frozenset()
    fields: bool = True  # list forms print dates as ISO in narrow columns: checked in their own tests

    def pdf(self) -> bytes:
        return self.render(self.record())


NO_ID = frozenset({"applicant.id_type", "applicant.id_number"})

CASES = [
    FormCase("entrustment", demo.entrustment, entrustment.render),
    # 受理单: the 证件号码 is printed masked (the 委托书 carries it in full).
    FormCase("intake", demo_steps.intake, intake.render, frozenset({"applicant.id_number"})),
    FormCase("handover_in", demo.handover_in, handover.render),
    FormCase("handover_back", demo.handover_back, handover.render),
    FormCase("one_time_notice", demo.one_time_notice, one_time_notice.render, NO_ID | {"applicant.address"}),
    FormCase(
        "correction_notice",
        lambda: demo.one_time_notice(correction=True),
        one_time_notice.render,
        NO_ID | {"applicant.address"},
    ),
    FormCase("acceptance", demo.acceptance, acceptance.render, NO_ID | {"applicant.address"}),
    FormCase("extension", demo.extension, extension.render, NO_ID | {"applicant.address"}),
    FormCase("return_notice", demo.return_notice, return_notice.render, NO_ID),
    FormCase("refusal_record", demo.refusal_record, refusal_record.render, NO_ID),
    FormCase("suspension", demo_steps.suspension, suspension.render, NO_ID),
    # 续办委托书: the 证件号码 is printed masked (the first 委托书 carries it in full).
    FormCase(
        "resumption",
        demo_steps.resumption,
        resumption.render,
        frozenset({"applicant.id_number", "agent.id_type", "agent.id_number", "agent.address"}),
    ),
    FormCase("completion", demo_steps.completion, closure.render, NO_ID),
    FormCase("termination", demo_steps.termination, closure.render, NO_ID),
    FormCase("withdrawal", demo_steps.withdrawal, withdrawal.render, NO_ID),
    FormCase("feedback", demo.feedback, feedback.render, NO_ID | {"applicant.address"}),
    FormCase(
        "rating_followup",
        demo_steps.rating_followup,
        rating_followup.render,
        NO_ID | {"applicant.address"},
    ),
    FormCase("ledger", demo.ledger, ledger.render, fields=False),
    FormCase("archive_list", demo.archive_list, archive_list.render, fields=False),
    # The register: 证件号码 masked and dates in ISO in narrow columns; the ruled blank rows print their numbers.
    FormCase(
        "archive_register",
        demo_steps.archive_register,
        archive_register.render,
        frozenset(f"rows[{i}].{f}" for i in range(2) for f in ("id_number", "consulted_on")) | {"blank_rows"},
    ),
    FormCase("review", demo_review.review, review.render, fields=False),
]
