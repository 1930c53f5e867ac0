"""《续办委托书》 (DB14/T 2233, DB3205/T 1077): after a 中止, the villager entrusts the clerk again."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from forms import layout as L
from forms.data import ResumptionEntrustment
from forms.widgets import MarkBox, SealArea

TITLE = "续办委托书"
SAME_SCOPE = "与原《代办服务委托书》所载委托权限相同"


def _period(data: ResumptionEntrustment) -> str:
    due = f"，于 {L.fmt_date(data.new_due)} 前办结" if data.new_due else "，办结期限按原承诺时限顺延"
    days = f"（中止 {data.suspended_days} 个工作日，不计入办理时限）" if data.suspended_days is not None else ""
    return f"自 {L.fmt_date(data.resumed_on)} 起续办{due}{days}"


def story(data: ResumptionEntrustment) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(TITLE, data)
    out.append(
        L.markup(
            f"委托人于{L.fmt_date(data.entrusted_on)}委托受托人代为办理“{L.esc(data.matter)}”事项（办件编号"
            f"{L.esc(data.case_no)}），该事项于{L.fmt_date(data.suspended_on)}中止办理。现中止原因已消除，"
            "委托人同意继续委托受托人在下列权限和期限内续办该事项，原《代办服务委托书》其余约定继续有效。",
            L.BODY_INDENT,
        )
    )
    out.append(L.gap(2))
    p, a = data.applicant, data.agent
    out.append(
        L.kv_grid(
            [
                ("委托人", p.name, "联系电话", p.phone),
                ("证件类型", p.id_type, "证件号码", L.mask_id(p.id_number) if p.id_number else ""),
                ("住址", p.address),
                ("受托人（代办员）", a.name, "联系电话", a.phone),
                ("委托事项", data.matter),
                ("中止日期", L.fmt_date(data.suspended_on), "续办日期", L.fmt_date(data.resumed_on)),
                ("中止原因", data.suspension_reason),
                ("续办事由", data.resume_reason),
                ("委托权限", data.scope or SAME_SCOPE),
                ("续办期限", _period(data)),
            ],
            label_width=30 * mm,
        )
    )
    out.append(L.gap(3))
    out.append(
        L.para(
            "委托人声明：本人自愿继续委托，续办所需材料真实、合法、有效。受托人应在委托权限内依法续办，"
            "及时告知办理进度，办结后将办理结果及全部原件材料交还委托人。本代办服务免费（无偿代办）。",
            L.BODY_INDENT,
        )
    )
    out.append(L.gap(3))
    seal_w, box_w = 33 * mm, 18 * mm
    signatures = L.signature_lines(
        [
            ("委托人签名", data.applicant_signature, L.fmt_date(data.signed_on)),
            ("受托人签名", data.agent_signature, L.fmt_date(data.signed_on)),
        ],
        sign_width=40 * mm,
        spacing_mm=2,
    )
    signatures += [L.gap(2), L.para(f"代办站（盖章）：{data.station.name}", L.BODY)]
    closing: list[Flowable] = [
        L.plain_table(
            [[signatures, MarkBox("委托人按指印处", 14 * mm), SealArea("代办站盖章处", 30 * mm)]],
            [width - seal_w - box_w, box_w, seal_w],
            "MIDDLE",
        ),
        L.para("代书人（委托人不能书写时填写）：__________  与委托人关系：________", L.SMALL),
        L.gap(1),
        L.para("注：本委托书一式两份，委托人与代办站各执一份，与原《代办服务委托书》一并归档。", L.SMALL),
    ]
    out.append(KeepTogether(closing))
    return out


def render(data: ResumptionEntrustment) -> bytes:
    """The 续办委托书 as PDF bytes."""
    return L.single_case_pdf(story, data, TITLE)
