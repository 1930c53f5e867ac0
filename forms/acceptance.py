"""《承诺件受理通知》 (受理回执): the matter is accepted, the clock runs, here is the due date."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import AcceptanceNotice
from forms.widgets import SealArea

TITLE = "承诺件受理通知"


def story(data: AcceptanceNotice) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(TITLE, data, subtitle="（受理回执）")
    out.append(L.para(f"{data.applicant.name}：", L.BODY))
    out.append(
        L.markup(
            f"您申请办理的“{L.esc(data.matter)}”事项，申请材料齐全，符合受理条件，"
            f"本站已于{L.fmt_date(data.accepted_on)}受理（办件类型：{L.esc(data.case_type)}）。"
            f"承诺办理时限为{data.promised_days}个工作日（自受理次日起计算，法定节假日不计），"
            f"将于<b>{L.fmt_date(data.due_on)}</b>前办结。",
            L.BODY_INDENT,
        )
    )
    out.append(L.gap(2))
    out.append(
        L.kv_grid(
            [
                ("申请人", data.applicant.name, "联系电话", data.applicant.phone),
                ("事项名称", data.matter),
                ("办件类型", data.case_type, "承诺时限", f"{data.promised_days}个工作日"),
                ("受理日期", L.fmt_date(data.accepted_on), "承诺办结日期", L.fmt_date(data.due_on)),
                *(
                    [("延期办结日期", f"{L.fmt_date(data.extended_to)}（经申请人同意延期，见《延期办理告知书》）")]
                    if data.extended_to
                    else []
                ),
                ("经办代办员", data.clerk_name, "联系电话", data.clerk_phone),
                ("取件方式", data.pickup or "办结后由代办员通知领取"),
                ("咨询电话", data.consult_phone, "监督电话", data.supervise_phone),
            ],
            label_width=25 * mm,
        )
    )
    out.append(L.gap(3))
    out.append(L.para("已收取材料", L.HEADING))
    closing: list[Flowable] = [L.gap(1.5), L.para(L.material_summary(data.materials), L.BODY), L.gap(5)]
    seal_w = 38 * mm
    signatures = L.signature_lines(
        [
            ("代办员（签字）", data.clerk_signature, L.fmt_date(data.accepted_on)),
            ("申请人签收（签字）", data.applicant_signature, L.fmt_date(data.accepted_on)),
        ],
        sign_width=36 * mm,
        spacing_mm=6,
    )
    signatures.append(L.gap(4))
    signatures.append(L.para(f"受理单位：{data.station.name}（盖章）", L.BODY))
    closing.append(L.plain_table([[signatures, SealArea("代办站盖章处", 32 * mm)]], [width - seal_w, seal_w], "MIDDLE"))
    closing.append(L.gap(3))
    closing.append(
        L.para(
            "注：请妥善保管本回执，凭回执领取办理结果及原件材料。如不能按期办结，代办站将书面告知延期原因并征得您的同意。",
            L.SMALL,
        )
    )
    out.append(
        L.table_then_closing(
            L.material_rows(data.materials, with_pages=True), L.material_widths(width, with_pages=True), closing
        )
    )
    return out


def render(data: AcceptanceNotice) -> bytes:
    """The 受理通知 as PDF bytes."""
    return L.single_case_pdf(story, data, TITLE)
