"""《服务意见反馈表》: the villager confirms the result and rates the service (一事一评)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import layout as L
from forms.data import DIMENSION_LABELS, Feedback, Rating
from forms.widgets import CheckOptions

TITLE = "服务意见反馈表"
RESULT_OPTIONS = ("已收到办理结果及全部材料，结果属实", "未收到或有异议")


def story(data: Feedback) -> list[Flowable]:
    out = L.standard_header(TITLE, data)
    out.append(
        L.para(
            "尊敬的办事群众：为提高代办服务质量，请您根据本次服务的真实感受填写本表。"
            "您的评价是代办员考核的依据，代办员不得代填，也不得暗示评价。",
            L.BODY_INDENT,
        )
    )
    out.append(L.gap(2))
    confirmed = RESULT_OPTIONS[0] if data.result_confirmed else RESULT_OPTIONS[1]
    levels = [r.value for r in Rating]

    def ticks(rating: Rating | None) -> CheckOptions:
        return CheckOptions(levels, [rating.value] if rating else [], font_size=10, spacing=4 * mm)

    dimensions = [(label, ticks(data.dimensions.get(key))) for key, label in DIMENSION_LABELS.items()]
    remarks = "；".join(
        f"{label}：{text}"
        for label, text in (
            ("服务态度", data.attitude),
            ("服务效率", data.efficiency),
            ("一次告知", data.one_time_notice),
        )
        if text
    )
    out.append(
        L.kv_grid(
            [
                ("申请人", data.applicant.name, "联系电话", data.applicant.phone),
                ("办理事项", data.matter),
                ("代办员", data.clerk_name, "受理日期", L.fmt_date(data.accepted_on)),
                ("办结日期", L.fmt_date(data.done_on), "评价方式", f"一事一评（{data.mode}）"),
                ("办理结果", data.result),
                ("结果确认", CheckOptions(RESULT_OPTIONS, [confirmed], font_size=10)),
                ("总体评价", ticks(data.rating)),
                *dimensions,
                ("具体意见", remarks or " "),
                ("意见建议", data.suggestions or " "),
            ],
            label_width=24 * mm,
            min_heights={10: 14 * mm, 11: 16 * mm},
        )
    )
    out.append(L.gap(5))
    out.extend(
        L.signature_lines(
            [("申请人（签字）", data.applicant_signature, L.fmt_date(data.signed_on))], sign_width=40 * mm
        )
    )
    out.append(L.gap(4))
    out.append(
        L.para(
            "注：评价为“不满意”或“非常不满意”的，镇为民服务中心将及时回访核实，"
            "能立即整改的立行立改，不能立即整改的限期整改并答复您。",
            L.SMALL,
        )
    )
    return out


def render(data: Feedback) -> bytes:
    """The 服务意见反馈表 as PDF bytes, the chosen rating ticked."""
    return L.single_case_pdf(story, data, TITLE)
