"""《代办服务委托书》: the villager (委托人) entrusts the clerk (受托人) with a matter."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import Entrustment, Party
from forms.widgets import CheckOptions, MarkBox, SealArea

TITLE = "代办服务委托书"

FREE_OF_CHARGE = "本代办服务免费（无偿代办），不收取任何费用；如遇收费或服务问题，请拨打监督电话：{phone}。"
CONSENT = (
    "个人信息单独同意：本人单独同意受托人及代办站为办理上述事项，收集、使用本人身份证件号码等敏感个人信息"
    "并提供给承办部门，仅用于本次办理（《中华人民共和国个人信息保护法》第二十九条）。"
)
SCRIBE = "代书人（委托人不能书写时填写）：__________  证件号码：____________________  与委托人关系：________"

DECLARATION = (
    "委托人声明：本人自愿委托受托人在上述权限和期限内代为办理上述事项，所提交的材料真实、合法、有效，"
    "如有虚假，由本人承担相应法律责任。受托人应在委托权限内依法办理，及时告知办理进度，"
    "办结后将办理结果及全部原件材料交还委托人。"
)


def _party_rows(role: str, party: Party) -> list[list[L.Cell]]:
    return [
        [
            L.para(role, L.LABEL),
            L.para("姓名", L.LABEL),
            L.para(party.name),
            L.para("联系电话", L.LABEL),
            L.para(party.phone),
        ],
        [
            None,
            L.para("证件类型", L.LABEL),
            L.para(party.id_type),
            L.para("证件号码", L.LABEL),
            L.para(party.id_number),
        ],
        [None, L.para("住址", L.LABEL), L.para(party.address), None, None],
    ]


def story(data: Entrustment) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    widths = [15 * mm, 21 * mm, 56 * mm, 21 * mm, width - 113 * mm]
    rows: list[list[L.Cell]] = [*_party_rows("委托人", data.applicant), *_party_rows("受托人", data.agent)]
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = [
        ((0, 0), (0, 2)),
        ((2, 2), (4, 2)),
        ((0, 3), (0, 5)),
        ((2, 5), (4, 5)),
    ]

    def wide(label: str, value: Flowable) -> None:
        rows.append([L.para(label, L.LABEL), None, value, None, None])
        n = len(rows) - 1
        spans.extend([((0, n), (1, n)), ((2, n), (4, n))])

    wide("委托事由", L.para(data.reason or "—"))
    wide("委托事项", L.para(data.matter))
    wide("委托权限", L.para(data.scope))
    rows.append(
        [
            L.para("服务方式", L.LABEL),
            None,
            CheckOptions(["代办", "帮办"], [data.service_kind], font_size=10),
            L.para("可否转委托", L.LABEL),
            CheckOptions(["允许", "不允许"], ["允许" if data.redelegation_allowed else "不允许"], font_size=10),
        ]
    )
    spans.append(((0, len(rows) - 1), (1, len(rows) - 1)))
    wide("委托期限", L.para(f"自 {L.fmt_date(data.period_start)} 至 {L.fmt_date(data.period_end)}"))
    days = f"{data.promised_days}个工作日" if data.promised_days is not None else "____个工作日"
    wide(
        "承诺办结时限",
        L.para(f"{days}（材料齐全受理次日起算），承诺于 {L.fmt_date(data.promised_deadline)} 前办结"),
    )

    out: list[Flowable] = L.standard_header(TITLE, data)
    out.append(L.grid(rows, widths, spans=spans))
    out.append(L.gap(3))
    out.append(L.para("委托人提交材料清单", L.HEADING))
    phone = data.supervise_phone or "______________"
    closing: list[Flowable] = [
        L.gap(1),
        L.para(DECLARATION, L.BODY_INDENT),
        L.gap(0.5),
        L.para(CONSENT + FREE_OF_CHARGE.format(phone=phone), L.SMALL),
        L.gap(1),
    ]
    seal_w = 33 * mm
    signatures = L.signature_lines(
        [
            ("委托人签名", data.applicant_signature, L.fmt_date(data.signed_on)),
            ("受托人签名", data.agent_signature, L.fmt_date(data.signed_on)),
        ],
        sign_width=40 * mm,
        spacing_mm=1,
    )
    signatures += [L.gap(2), L.para(f"代办站（盖章）：{data.station.name}", L.BODY)]
    box_w = 18 * mm
    closing.append(
        L.plain_table(
            [[signatures, MarkBox("委托人按指印处", 14 * mm), SealArea("代办站盖章处", 30 * mm)]],
            [width - seal_w - box_w, box_w, seal_w],
            "MIDDLE",
        )
    )
    closing.append(L.para(SCRIBE, L.SMALL))
    closing.append(L.gap(1))
    closing.append(L.para("注：本委托书一式两份，委托人与代办站各执一份；委托人、受托人身份证件复印件附后。", L.SMALL))
    out.append(L.table_then_closing(L.material_rows(data.materials), L.material_widths(width), closing))
    return out


def render(data: Entrustment) -> bytes:
    """The 委托书 as PDF bytes."""
    return L.single_case_pdf(story, data, TITLE)
