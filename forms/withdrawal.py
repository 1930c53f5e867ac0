"""《撤回确认书》: the villager withdraws the matter and takes every material back, in writing."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import WithdrawalConfirmation

TITLE = "撤回确认书"


def story(data: WithdrawalConfirmation) -> list[Flowable]:
    out = L.standard_header(TITLE, data)
    out.append(
        L.markup(
            f"本人于{L.fmt_date(data.applied_on)}委托{L.esc(data.station.name)}代为办理的“{L.esc(data.matter)}”"
            f"事项，现因下列原因自愿申请撤回，自{L.fmt_date(data.withdrawn_on)}起不再继续办理。撤回不影响本人"
            "今后重新申请或再次委托代办。",
            L.BODY_INDENT,
        )
    )
    out.append(L.gap(2))
    out.append(
        L.kv_grid(
            [
                ("申请人", data.applicant.name, "联系电话", data.applicant.phone),
                ("住址", data.applicant.address),
                ("事项名称", data.matter),
                ("申请日期", L.fmt_date(data.applied_on), "撤回日期", L.fmt_date(data.withdrawn_on)),
                ("撤回原因", data.reason),
                ("经办代办员", data.clerk_name),
            ],
            min_heights={4: 12 * mm},
        )
    )
    out.append(L.gap(3))
    out.append(L.para("退还材料清单", L.HEADING))
    out.append(
        L.returned_then_signed(
            data.returned,
            "申请人确认：以上撤回系本人真实意愿；本人提交的材料已全部退还，当面清点无误。",
            applicant_signature=data.applicant_signature,
            clerk_name=data.clerk_name,
            clerk_signature=data.clerk_signature,
            handed_at=data.handed_at,
            station=data.station,
            note="注：本确认书一式两份，申请人与代办站各执一份；代办站联随办件归档。",
        )
    )
    return out


def render(data: WithdrawalConfirmation) -> bytes:
    """The 撤回确认书 as PDF bytes."""
    return L.single_case_pdf(story, data, TITLE)
