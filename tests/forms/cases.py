"""Every form with its demo record and the fields it deliberately does not print."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forms import demo, entrustment, handover, one_time_notice


@dataclass(frozen=True)
class FormCase:
    id: str
    record: Callable[[], Any]
    render: Callable[[Any], bytes]
    skip: frozenset[str] = frozenset()

    def pdf(self) -> bytes:
        return self.render(self.record())


NO_ID = frozenset({"applicant.id_type", "applicant.id_number"})

CASES = [
    FormCase("entrustment", demo.entrustment, entrustment.render),
    FormCase("handover_in", demo.handover_in, handover.render),
    FormCase("handover_back", demo.handover_back, handover.render),
    FormCase("one_time_notice", demo.one_time_notice, one_time_notice.render, NO_ID | {"applicant.address"}),
    FormCase(
        "correction_notice",
        lambda: demo.one_time_notice(correction=True),
        one_time_notice.render,
        NO_ID | {"applicant.address"},
    ),
]
