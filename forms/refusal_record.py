"""《否定报备登记表》: a refused matter on record, with reasons, basis and the leader's opinion."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import MaterialLine, RefusalRecord, Signature
from forms.widgets import SignatureLine

TITLE = "否定报备登记表"
#: Where nothing was recorded, lines to write on, never an opinion the 承办人 did not give.
HAND_LINES = "_" * 60


def _staff(data: RefusalRecord) -> str:
    return f"{data.staff}（{data.staff_title}）" if data.staff_title else data.staff


def _returned_text(lines: list[MaterialLine]) -> str:
    if not lines:
        return "无"
    parts = []
    for i, m in enumerate(lines, 1):
        pages = f"，{m.pages}页" if m.pages else ""
        note = f"，{L.esc(m.note)}" if m.note else ""
        parts.append(f"{i}. {L.esc(m.name)}（{L.original_label(m.original)}{m.copies}份{pages}{note}）")
    return "<br/>".join(parts)


def _signed(
    text: Flowable, label: str, signature: Signature | None, when: str, date_label: str = "日期"
) -> list[Flowable]:
    return [text, L.gap(2), SignatureLine(label, signature, when, date_label=date_label, sign_width=34 * mm)]


def story(data: RefusalRecord) -> list[Flowable]:
    out = L.standard_header(TITLE, data, number_label="登记编号")
    unit = data.applicant_unit or "个人"
    out.append(
        L.kv_grid(
            [
                ("否定事项", data.matter),
                ("申请人单位", unit, "申请人姓名", data.applicant.name),
                ("联系电话", data.applicant.phone, "申请日期", L.fmt_date(data.applied_on)),
                ("住址", data.applicant.address),
                ("基本情况", data.facts),
                ("否定理由", data.reasons),
                ("法律依据", data.legal_basis),
                ("应补全的材料", "、".join(data.to_complete) if data.to_complete else "无"),
                ("承办部门", data.department, "承办人及职务", _staff(data)),
                (
                    "承办人意见",
                    _signed(
                        L.para(data.staff_opinion or HAND_LINES),
                        "承办人（签字）",
                        data.staff_signature,
                        L.fmt_date(data.registered_on),
                    ),
                ),
                (
                    "领导意见",
                    _signed(
                        L.para(data.leader_opinion),
                        f"负责人（{data.leader_name}）签字" if data.leader_name else "负责人（签字）",
                        data.leader_signature,
                        L.fmt_date(data.registered_on),
                    ),
                ),
                (
                    "退回材料签收",
                    _signed(
                        L.markup(_returned_text(list(data.returned)), L.CELL),
                        "申请人签收（签字）",
                        data.applicant_signature,
                        L.fmt_datetime(data.received_at),
                        "时间",
                    ),
                ),
                ("登记日期", L.fmt_date(data.registered_on), "登记单位", data.station.name),
            ],
            label_width=26 * mm,
        )
    )
    out.append(L.gap(3))
    center = data.station.town_center or "镇为民服务中心"
    out.append(
        L.para(
            f"注：本表一式两份，一份报{center}分管领导，一份由代办站存档；申请人另执《退回件通知书》。"
            "退回材料凭申请人有效身份证件当面签收。",
            L.SMALL,
        )
    )
    return out


def render(data: RefusalRecord) -> bytes:
    """The 否定报备登记表 as PDF bytes."""
    return L.build_pdf(story, data, title=TITLE, info=L.PageInfo(data.case_no, data.station.name, "登记编号"))
