"""《代办服务中止单》 (DB3205/T 1077 中止单): the matter stops, the clock with it, until the villager acts."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from forms import layout as L
from forms.data import SuspensionNotice
from forms.widgets import SealArea

TITLE = "代办服务中止单"


def story(data: SuspensionNotice) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(TITLE, data)
    out.append(L.para(f"{data.applicant.name}：", L.BODY))
    out.append(
        L.markup(
            f"您委托代办的“{L.esc(data.matter)}”事项，因下列原因自{L.fmt_date(data.suspended_on)}起中止办理。"
            "中止期间不计入承诺办结时限；请您按下表办理所需事项，中止原因消除后，由您签署《续办委托书》恢复办理，"
            "办理时限自恢复之日起继续计算，已用时限累计计算。",
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
                ("受理日期", L.fmt_date(data.accepted_on), "原承诺办结日期", L.fmt_date(data.original_due)),
                ("中止日期", L.fmt_date(data.suspended_on), "预计恢复日期", L.fmt_date(data.expected_resume)),
                ("中止原因", data.reason),
                ("需申请人办理的事项", data.applicant_todo),
                ("经办代办员", data.clerk_name, "代办站电话", data.station.phone or ""),
            ],
            label_width=30 * mm,
            min_heights={5: 12 * mm, 6: 16 * mm},
        )
    )
    out.append(L.gap(4))
    clerk: list[Flowable] = [
        *L.signature_lines(
            [(f"代办员（{data.clerk_name}）签字", data.clerk_signature, L.fmt_date(data.signed_on))],
            sign_width=38 * mm,
        ),
        L.gap(3),
        L.para(f"{data.station.name}（盖章）", L.BODY),
    ]
    seal_w = 34 * mm
    villager: list[Flowable] = [
        L.gap(4),
        L.para("申请人确认：本人已知悉中止原因及需办理的事项，同意中止办理。", L.BODY),
        L.gap(3),
        *L.signature_lines(
            [("申请人（签字）", data.applicant_signature, L.fmt_date(data.signed_on))], sign_width=38 * mm
        ),
        L.gap(3),
        L.para("注：本单一式两份，申请人与代办站各执一份；恢复办理时凭本单签署《续办委托书》。", L.SMALL),
    ]
    # The clerk's part, the seal and the villager's confirmation sign one page together.
    block = [L.plain_table([[clerk, SealArea("代办站盖章处", 30 * mm)]], [width - seal_w, seal_w], "MIDDLE")]
    out.append(KeepTogether(block + villager))
    return out


def render(data: SuspensionNotice) -> bytes:
    """The 中止单 as PDF bytes."""
    return L.single_case_pdf(story, data, TITLE)
