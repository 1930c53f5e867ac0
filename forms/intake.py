"""《帮办代办受理单》 (DB3205/T 1077-2023 附录): the station takes a 帮办 or 代办 request in.

The annex's own text was not at hand; the fields are those the standard's other annexes, the
seeds (002 代办程序) and published 受理单 templates agree on (docs/forms/README.md).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import IntakeSlip
from forms.widgets import CheckOptions, SealArea

TITLE = "帮办代办受理单"
KINDS = ("帮办", "代办")
TYPES = ("即办件", "承诺件")
CONFIRMATION = (
    "申请人确认：以上信息及所交材料真实、有效；本人已知悉办理流程、承诺办结时限和所需材料。"
    "帮办代办员已当面清点上列材料，办结后将办理结果及原件材料交还申请人。"
)
NOTE = "注：本单一式两份，申请人与代办站各执一份；凭本单查询办理进度、领取办理结果及原件材料。本服务免费。"


def time_limit(data: IntakeSlip) -> str:
    """承诺办结时限: 当场办结 for a 即办件, the working days of a 承诺件, a blank when not yet known."""
    if data.case_type == "即办件":
        return "当场办结（即办件）"
    if data.promised_days is None:
        return "____个工作日"
    return f"{data.promised_days}个工作日（自受理次日起计算，法定节假日不计）"


def story(data: IntakeSlip) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(TITLE, data)
    # A 补办件, 联办件 … is named as recorded; the two usual types are ticked.
    kind_of_case: L.Value = (
        CheckOptions(TYPES, [data.case_type], font_size=10) if data.case_type in TYPES else data.case_type
    )
    clerk = f"{data.clerk_name}（{data.clerk_phone}）" if data.clerk_phone else data.clerk_name
    out.append(
        L.kv_grid(
            [
                ("申请人", data.applicant.name, "联系电话", data.applicant.phone),
                ("证件类型", data.applicant.id_type, "证件号码", L.mask_id(data.applicant.id_number)),
                ("住址", data.applicant.address),
                ("服务对象", data.special_groups or "一般群众"),
                ("申请事项", data.matter),
                (
                    "服务方式",
                    CheckOptions(KINDS, [data.service_kind], font_size=10),
                    "办件类型",
                    kind_of_case,
                ),
                ("受理时间", L.fmt_datetime(data.received_at)),
                ("承诺办结时限", time_limit(data)),
                ("承诺办结日期", L.fmt_date(data.due_on), "帮办代办员", clerk),
            ],
            label_width=25 * mm,
        )
    )
    out.append(L.gap(3))
    out.append(L.para("收取材料", L.HEADING))
    seal_w = 36 * mm
    when = L.fmt_datetime(data.received_at)
    signatures = L.signature_lines(
        [
            ("申请人（签字）", data.applicant_signature, when),
            ("帮办代办员（签字）", data.clerk_signature, when),
        ],
        date_label="时间",
        sign_width=34 * mm,
        spacing_mm=5,
    )
    signatures += [L.gap(3), L.para(f"受理单位：{data.station.name}（盖章）", L.BODY)]
    phone = data.supervise_phone or "______________"
    closing: list[Flowable] = [
        L.gap(1.5),
        L.para(L.material_summary(data.materials), L.BODY),
        L.gap(2),
        L.para(CONFIRMATION, L.BODY_INDENT),
        L.gap(4),
        L.plain_table([[signatures, SealArea("代办站盖章处", 30 * mm)]], [width - seal_w, seal_w], "MIDDLE"),
        L.gap(3),
        L.para(f"{NOTE}监督电话：{phone}。", L.SMALL),
    ]
    out.append(
        L.table_then_closing(
            L.material_rows(data.materials, with_pages=True), L.material_widths(width, with_pages=True), closing
        )
    )
    return out


def render(data: IntakeSlip) -> bytes:
    """The 受理单 as PDF bytes."""
    return L.single_case_pdf(story, data, TITLE)
