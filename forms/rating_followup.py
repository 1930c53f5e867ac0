"""《差评回访整改反馈单》 (seed 000 第九条: 差评 verified, rectified and answered back).

What the app knows is printed: the 差评 and the villager's comments as signed on the 反馈表, and the
town center's recorded 回访整改 outcome once it has one. The 回访, 核实, 整改 and 反馈 themselves are
written by hand on ruled lines and signed by the 回访人, the 负责人 and the villager; the sheet is then
filed with the case (存档).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from forms import layout as L
from forms.data import DIMENSION_LABELS, Rating, RatingFollowUp
from forms.widgets import CheckOptions

TITLE = "差评回访整改反馈单"
WAYS = ("电话", "上门", "当面", "其他")
VERDICTS = ("满意", "基本满意", "不满意")
RULE = (
    "依据“好差评”差评整改反馈机制：差评须及时回访、调查核实；能立即整改的立行立改，不能立即整改的明确时限限期整改；"
    "反映不实的向评价人说明情况；整改结果反馈评价人，回访率、反馈率100%。"
)
NOTE = "注：本单一式两份，代办站随办件存档一份，报镇为民服务中心一份；整改情况纳入代办员考核。"
LINE_GAP = 6.2 * mm


class Ruled(Flowable):
    """``lines`` ruled lines across the cell, to write on by hand."""

    def __init__(self, lines: int, prefix: str = "") -> None:
        super().__init__()
        self.lines = lines
        self.prefix = prefix

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.lines * LINE_GAP
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setLineWidth(0.4)
        for n in range(1, self.lines + 1):
            y = self.height - n * LINE_GAP + 1.5
            canv.line(0, y, self.width, y)


def _comments(data: RatingFollowUp) -> str:
    said = [f"{label}：{text.strip().rstrip('。；;')}" for label, text in data.comments if text.strip()]
    return "；".join(said) + "。" if said else "（评价人未填写意见）"


def _dimensions(data: RatingFollowUp) -> str:
    given = data.dimensions
    rated = [f"{label}：{given[key].value}" for key, label in DIMENSION_LABELS.items() if key in given]
    return "；".join(rated) or "（未分项评价）"


def _center_record(data: RatingFollowUp) -> str:
    if not data.outcome:
        return "镇为民服务中心尚未登记回访整改结果（待回访整改）。"
    by = f"，{data.followed_up_by}登记" if data.followed_up_by else ""
    return f"{data.outcome}（{L.fmt_date(data.followed_up_on)}办结{by}）"


def _signed(who: str) -> list[Flowable]:
    return L.signature_lines([(f"{who}（签字）", None, L.BLANK_DATE)], sign_width=24 * mm)


def story(data: RatingFollowUp) -> list[Flowable]:
    width = L.PORTRAIT_WIDTH
    out = L.standard_header(TITLE, data)
    out.append(L.para(RULE, L.SMALL))
    out.append(L.gap(1.5))
    out.append(L.para("一、评价情况", L.HEADING))
    levels = [r.value for r in Rating]
    out.append(
        L.kv_grid(
            [
                ("评价人", data.applicant.name, "联系电话", data.applicant.phone),
                ("办理事项", data.matter),
                ("代办员", data.clerk_name, "办结日期", L.fmt_date(data.done_on)),
                ("评价日期", L.fmt_date(data.rated_on), "评价方式", f"一事一评（{data.mode}）"),
                ("总体评价", CheckOptions(levels, [data.rating.value], font_size=10, spacing=4 * mm)),
                ("分项评价", _dimensions(data)),
                ("评价意见", _comments(data)),
            ],
        )
    )
    out.append(L.gap(1.5))
    blank_date = L.BLANK_DATE
    out.append(L.para("二、回访、核实与整改", L.HEADING))
    out.append(
        L.kv_grid(
            [
                ("回访时间", blank_date, "回访人", ""),
                ("回访方式", CheckOptions(WAYS, [], font_size=10)),
                ("评价人反映", Ruled(2)),
                ("核实情况", Ruled(2)),
                ("整改措施", Ruled(2)),
                ("整改时限", f"立行立改 / 限{'_' * 4}个工作日内，至{blank_date}"),
                ("整改结果", Ruled(2)),
                ("镇中心记录", _center_record(data)),
            ],
        )
    )
    out.append(L.gap(1.5))
    closing: list[Flowable] = [
        L.para("三、反馈评价人", L.HEADING),
        L.kv_grid(
            [
                ("反馈时间", blank_date, "反馈方式", CheckOptions(WAYS[:3], [], font_size=10)),
                ("评价人意见", [CheckOptions(VERDICTS, [], font_size=10), Ruled(1)]),
            ],
        ),
        L.gap(2),
        L.plain_table(
            [[_signed("回访人"), _signed("负责人"), _signed("评价人")]],
            [width / 3] * 3,
            "TOP",
        ),
        L.gap(2),
        L.para(NOTE, L.SMALL),
    ]
    # The answer to the villager and the signatures that close the sheet stay on one page.
    out.append(KeepTogether(closing))
    return out


def render(data: RatingFollowUp) -> bytes:
    """The 差评回访整改反馈单 as PDF bytes."""
    return L.single_case_pdf(story, data, TITLE)
