"""《代办服务办结（终止）单》 (DB3205/T 1077 办结(终止)单): the outcome ticked, what went back, the villager's word.

DB14/T 2233 has a 办结单 and a 终止单; their fields are the same (result or reason, date, materials back,
the villager's confirmation), so one form with the outcome ticked prints both and cannot disagree with itself.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import Closure, ClosureOutcome
from forms.widgets import CheckOptions

TITLE = "代办服务办结（终止）单"

CONFIRMATION = {
    ClosureOutcome.COMPLETED: "申请人确认：本人委托的事项已办结，本人已收到办理结果及上列全部材料，当面清点无误。",
    ClosureOutcome.TERMINATED: "申请人确认：本人已知悉上述事项终止办理的原因，并已收回上列全部材料，当面清点无误。",
}
RESULT_LABEL = {ClosureOutcome.COMPLETED: "办理结果", ClosureOutcome.TERMINATED: "终止原因"}
DATE_LABEL = {ClosureOutcome.COMPLETED: "办结日期", ClosureOutcome.TERMINATED: "终止日期"}


def story(data: Closure) -> list[Flowable]:
    outcome = data.outcome
    out = L.standard_header(TITLE, data)
    out.append(
        L.kv_grid(
            [
                ("申请人", data.applicant.name, "联系电话", data.applicant.phone),
                ("住址", data.applicant.address),
                ("事项名称", data.matter),
                ("承办部门", data.department or data.station.town_center or "—"),
                ("受理日期", L.fmt_date(data.accepted_on), "承诺办结日期", L.fmt_date(data.due_on)),
                ("办理情况", CheckOptions([o.value for o in ClosureOutcome], [outcome.value], font_size=10)),
                (DATE_LABEL[outcome], L.fmt_date(data.closed_on), "经办代办员", data.clerk_name),
                (RESULT_LABEL[outcome], data.result),
            ],
            label_width=28 * mm,
            min_heights={7: 12 * mm},
        )
    )
    out.append(L.gap(3))
    out.append(L.para("交还（退还）材料清单", L.HEADING))
    out.append(
        L.returned_then_signed(
            data.returned,
            CONFIRMATION[outcome],
            applicant_signature=data.applicant_signature,
            clerk_name=data.clerk_name,
            clerk_signature=data.clerk_signature,
            handed_at=data.handed_at,
            station=data.station,
            note="注：本单一式两份，申请人与代办站各执一份；代办站联随办件归档。",
        )
    )
    return out


def render(data: Closure) -> bytes:
    """The 办结（终止）单 as PDF bytes, the outcome ticked."""
    return L.single_case_pdf(story, data, TITLE)
