"""材料交接单 / 材料签收单: materials moving between villager, clerk and town center, both ways."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import Handover, HandoverDirection


@dataclass(frozen=True)
class _Wording:
    title: str
    subtitle: str
    from_role: str
    to_role: str


WORDING: dict[HandoverDirection, _Wording] = {
    HandoverDirection.APPLICANT_TO_CLERK: _Wording(
        "材料交接单", "（申请人 → 代办员）", "交件人（申请人）", "接收人（代办员）"
    ),
    HandoverDirection.CLERK_TO_CENTER: _Wording(
        "材料交接单", "（代办员 → 镇为民服务中心）", "送件人（代办员）", "接收人（窗口工作人员）"
    ),
    HandoverDirection.CENTER_TO_CLERK: _Wording(
        "材料交接单", "（镇为民服务中心 → 代办员）", "交件人（窗口工作人员）", "取件人（代办员）"
    ),
    HandoverDirection.CLERK_TO_APPLICANT: _Wording(
        "材料签收单", "（代办员 → 申请人）", "交件人（代办员）", "签收人（申请人）"
    ),
}


def title(direction: HandoverDirection) -> str:
    return WORDING[direction].title


def story(data: Handover) -> list[Flowable]:
    words = WORDING[data.direction]
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(words.title, data, subtitle=words.subtitle)
    out.append(
        L.kv_grid(
            [
                ("办理事项", data.matter),
                (words.from_role, data.from_name, "联系电话", data.from_phone),
                (words.to_role, data.to_name, "联系电话", data.to_phone),
                ("交接时间", L.fmt_datetime(data.handed_at)),
            ],
            label_width=33 * mm,
        )
    )
    out.append(L.gap(3))
    out.append(L.para("交接材料清单", L.HEADING))
    closing: list[Flowable] = [L.gap(1.5), L.para(L.material_summary(data.items), L.BODY)]
    if data.note:
        closing.append(L.para(f"备注：{data.note}", L.BODY))
    closing += [
        L.gap(2),
        L.para("以上材料经交接双方当面清点、核对无误。", L.BODY_INDENT),
        L.gap(5),
        *L.signature_lines(
            [
                (f"{words.from_role}签字", data.from_signature, L.fmt_datetime(data.handed_at)),
                (f"{words.to_role}签字", data.to_signature, L.fmt_datetime(data.handed_at)),
            ],
            date_label="时间",
            sign_width=38 * mm,
            spacing_mm=6,
        ),
    ]
    # Both signatures stay on the page of the last items they sign for.
    out.append(
        L.table_then_closing(
            L.material_rows(data.items, with_pages=True), L.material_widths(width, with_pages=True), closing
        )
    )
    out.append(L.gap(4))
    out.append(L.para("注：本单一式两份，交接双方各执一份；原件交还时须由原件所有人本人或其委托人签收。", L.SMALL))
    return out


def render(data: Handover) -> bytes:
    """The 交接单 (or 签收单 when materials go back to the villager) as PDF bytes."""
    return L.single_case_pdf(story, data, title(data.direction))
