"""《延期办理告知书》, two copies in one PDF: 第一联 申请人留存, 第二联 存档."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from forms import layout as L
from forms.data import ExtensionNotice
from forms.widgets import CheckOptions, SealArea

TITLE = "延期办理告知书"
COPIES = ("第一联 申请人留存", "第二联 存档")
AGREE = "同意延期办理"
REFUSE = "不同意延期办理"
REFUSAL_NOTE = "申请人不同意延期的，代办站按原承诺时限继续催办，并将情况报告镇为民服务中心，由承办部门依法处理。"


def _copy(data: ExtensionNotice, label: str) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(TITLE, data, copy_label=label)
    out.append(L.para(f"{data.applicant.name}：", L.BODY))
    out.append(
        L.markup(
            f"您于{L.fmt_date(data.accepted_on)}申请办理的“{L.esc(data.matter)}”事项，原承诺于"
            f"{L.fmt_date(data.original_due)}前办结。因下列原因无法在承诺时限内办结，经本站负责人批准，"
            f"办理时限延长{data.extension_days}个工作日，延期后于<b>{L.fmt_date(data.new_due)}</b>前办结。"
            "延期须经您本人同意，特此告知。",
            L.BODY_INDENT,
        )
    )
    out.append(L.gap(2))
    out.append(
        L.kv_grid(
            [
                ("申请人", data.applicant.name, "联系电话", data.applicant.phone),
                ("事项名称", data.matter),
                ("受理日期", L.fmt_date(data.accepted_on), "原承诺办结日期", L.fmt_date(data.original_due)),
                ("延长时限", f"{data.extension_days}个工作日", "延期后办结日期", L.fmt_date(data.new_due)),
                ("延期原因", data.reason),
                ("经办代办员", data.clerk_name or "", "告知日期", L.fmt_date(data.issued_on)),
            ],
            label_width=28 * mm,
        )
    )
    out.append(L.gap(4))
    # The villager may refuse: both answers are printed, the one the app recorded (a consent signed on the pad)
    # ticked, none on a form printed before he answered.
    agreed = [AGREE] if data.applicant_signature is not None or data.consented_on is not None else []
    consent: list[Flowable] = [
        L.para("申请人意见：本人已知悉上述延期原因。", L.BODY),
        L.gap(1),
        CheckOptions([AGREE, REFUSE], agreed),
        L.gap(1),
        L.para(REFUSAL_NOTE, L.SMALL),
        L.gap(3),
        *L.signature_lines([("申请人（签字）", data.applicant_signature, L.fmt_date(data.consented_on))]),
    ]
    approval: list[Flowable] = [
        L.para("负责人审批意见：同意延期办理。", L.BODY),
        L.gap(3),
        *L.signature_lines([(f"负责人（{data.head_name}）签字", data.head_signature, L.fmt_date(data.issued_on))]),
        L.gap(3),
        L.para(f"{data.station.name}（盖章）", L.BODY),
    ]
    seal_w = 36 * mm
    out.append(KeepTogether(consent))
    out.append(L.gap(5))
    out.append(L.plain_table([[approval, SealArea("盖章处", 32 * mm)]], [width - seal_w, seal_w], "MIDDLE"))
    out.append(L.gap(3))
    out.append(L.para("注：本告知书一式两联，第一联交申请人留存，第二联由代办站存档。", L.SMALL))
    return out


def story(data: ExtensionNotice) -> list[Flowable]:
    out: list[Flowable] = []
    for n, label in enumerate(COPIES):
        if n:
            out.append(PageBreak())
        out.extend(_copy(data, label))
    return out


def render(data: ExtensionNotice) -> bytes:
    """Both copies of the 延期办理告知书 as one PDF."""
    return L.single_case_pdf(story, data, TITLE)
