"""《退回件通知书》: the matter is not accepted; reasons and legal basis in writing, materials back."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import ReturnNotice

TITLE = "退回件通知书"


def _clerk_label(name: str) -> str:
    return f"代办员（{name}）签字" if name else "代办员（签字）"


def _decider(data: ReturnNotice) -> str:
    """Who decides the matter: its department, else the town center (never the village station)."""
    return data.department or data.station.town_center or "镇为民服务中心"


def story(data: ReturnNotice) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(TITLE, data)
    out.append(L.para(f"{data.applicant.name}：", L.BODY))
    out.append(
        L.markup(
            f"您于{L.fmt_date(data.applied_on)}申请办理的“{L.esc(data.matter)}”事项，经代办站初审，因下列原因"
            f"暂不能代为向{L.esc(_decider(data))}提交，现书面告知退回原因及依据，并将您提交的申请材料全部退回。"
            f"本通知不是{L.esc(_decider(data))}作出的不予受理决定；您补齐或改正后可以再次委托代办，"
            f"也可以直接向{L.esc(_decider(data))}申请。",
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
                ("申请日期", L.fmt_date(data.applied_on), "退回日期", L.fmt_date(data.issued_on)),
                ("退回原因", L.markup(L.numbered(list(data.reasons)), L.CELL)),
                ("法律依据", data.legal_basis),
                ("办理建议", data.advice or "—"),
                *([("救济途径", data.remedy)] if data.remedy else []),
            ]
        )
    )
    out.append(L.gap(3))
    out.append(L.para("退回材料清单", L.HEADING))
    closing: list[Flowable] = [L.gap(1.5), L.para(L.material_summary(data.returned), L.BODY), L.gap(3)]
    closing.extend(
        L.signature_lines(
            [(_clerk_label(data.clerk_name), data.clerk_signature, L.fmt_date(data.issued_on))], sign_width=38 * mm
        )
    )
    closing.append(L.gap(2))
    closing.append(L.para(f"{data.station.name}（盖章）", L.BODY))
    closing.append(L.gap(4))
    closing.append(L.para("申请人签收：本人已收到本通知书，并已收回上述全部材料。", L.BODY))
    closing.append(L.gap(3))
    closing.extend(
        L.signature_lines(
            [("申请人（签字）", data.applicant_signature, L.fmt_datetime(data.received_at))],
            date_label="签收时间",
            sign_width=38 * mm,
        )
    )
    closing.append(L.gap(3))
    center = data.station.town_center or "镇为民服务中心"
    closing.append(
        L.para(f"注：如对本通知有异议，可向{center}咨询或反映。本通知书一式两份，申请人与代办站各执一份。", L.SMALL)
    )
    out.append(
        L.table_then_closing(
            L.material_rows(data.returned, with_pages=True), L.material_widths(width, with_pages=True), closing
        )
    )
    return out


def render(data: ReturnNotice) -> bytes:
    """The 退回件通知书 as PDF bytes."""
    return L.single_case_pdf(story, data, TITLE)
