"""《一次性告知书》 / 《补正材料通知书》: everything still missing, told once, in writing."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import MissingMaterial, OneTimeNotice

TITLE = "一次性告知书"
CORRECTION_TITLE = "补正材料通知书"


def title(data: OneTimeNotice) -> str:
    return CORRECTION_TITLE if data.correction else TITLE


def _missing_rows(missing: tuple[MissingMaterial, ...] | list[MissingMaterial]) -> list[list[L.Cell]]:
    head = ["序号", "需补正材料", "原件/复印件及份数", "材料要求", "获取方式（到哪里、怎么办）"]
    rows: list[list[L.Cell]] = [[L.para(h, L.TH) for h in head]]
    for i, item in enumerate(missing, 1):
        rows.append(
            [
                L.para(str(i), L.CELL_CENTER),
                L.para(item.name),
                L.para(f"{L.original_label(item.original)} {item.copies} 份", L.CELL_CENTER),
                L.para(item.requirement),
                L.para(item.how_to_obtain),
            ]
        )
    return rows


def _missing_widths(width: float) -> list[float]:
    rest = width - 11 * mm - 25 * mm
    return [11 * mm, rest * 0.27, 25 * mm, rest * 0.25, rest * 0.48]


def _basis(data: OneTimeNotice) -> str:
    """The provision the catalog names for this matter, escaped; nothing when it names none (a
    行政给付 or 公共服务 is not bound by the 行政许可法, and a wrong citation is worse than none)."""
    basis = data.notice_basis.strip()
    return f"根据{L.esc(basis)}的规定，" if basis else ""


def _doc(data: OneTimeNotice) -> str:
    return "通知书" if data.correction else "告知书"


def _unit_label(data: OneTimeNotice) -> str:
    return "通知单位" if data.correction else "告知单位"


def _date_label(data: OneTimeNotice) -> str:
    return "通知日期" if data.correction else "告知日期"


def _opening(data: OneTimeNotice) -> str:
    matter = f"您于{L.fmt_date(data.applied_on)}申请办理的“{L.esc(data.matter)}”事项"
    if data.correction:
        due = L.fmt_date(data.correction_due)
        return (
            f"{matter}，经{L.esc(data.station.town_center or '镇为民服务中心')}审查，需补正下列材料。"
            f"{_basis(data)}请您于{due}前补齐，交代办员转交；承诺时限自材料补齐受理的次日起计算。"
        )
    return (
        f"{matter}，经审查，申请材料尚不齐全。{_basis(data)}现将办理该事项的要求及需补正的全部材料一次性告知如下。"
        "请您补齐后再次提交；承诺时限自材料补齐受理的次日起计算。"
    )


def story(data: OneTimeNotice) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(title(data), data)
    out.append(L.para(f"{data.applicant.name}：", L.BODY))
    out.append(L.markup(_opening(data), L.BODY_INDENT))
    out.append(L.gap(2))
    out.append(
        L.kv_grid(
            [
                ("申请人", data.applicant.name, "联系电话", data.applicant.phone),
                ("事项名称", data.matter),
                ("申请日期", L.fmt_date(data.applied_on), "经办代办员", f"{data.clerk_name}  {data.clerk_phone}"),
                ("办理依据", data.legal_basis),
                ("受理条件", data.conditions),
                ("办事流程", L.markup(L.numbered(list(data.process)), L.CELL)),
                ("收费标准", data.fees, "承诺时限", data.promised_time),
                ("咨询电话", data.consult_phone, "监督电话", data.supervise_phone),
            ]
        )
    )
    if data.submitted:
        out.append(L.gap(2))
        out.append(L.para("已提交材料", L.HEADING))
        out.append(L.grid(L.material_rows(data.submitted), L.material_widths(width), header_rows=1))
    out.append(L.gap(2))
    out.append(L.para(f"需补正的全部材料（共 {len(data.missing)} 项）", L.HEADING))
    issued = L.fmt_date(data.issued_on)
    closing: list[Flowable] = [
        L.gap(2),
        L.para(f"{_unit_label(data)}：{data.station.name}（盖章）        {_date_label(data)}：{issued}", L.BODY),
        *(
            [
                L.para(
                    f"承办人：{data.clerk_name or '__________'}        补正期限：{L.fmt_date(data.correction_due)}",
                    L.BODY,
                )
            ]
            if data.correction
            else []
        ),
        L.para(
            f"申请人签收：本人已收到本{_doc(data)}（一式两份，申请人与代办站各执一份），已知悉需补正的全部材料及获取方式。",
            L.BODY,
        ),
        L.gap(1),
        *L.signature_lines(
            [("申请人（签字）", data.applicant_signature, L.fmt_datetime(data.received_at))], date_label="签收时间"
        ),
    ]
    # The 签收 never starts a page alone: at least the last missing material goes over with it.
    out.append(L.table_then_closing(_missing_rows(list(data.missing)), _missing_widths(width), closing))
    return out


def render(data: OneTimeNotice) -> bytes:
    """The 一次性告知书 (补正材料通知书 when ``data.correction``) as PDF bytes."""
    return L.single_case_pdf(story, data, title(data))
