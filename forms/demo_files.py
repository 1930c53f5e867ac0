"""The demo PDF of every form, by file name (used by ``python -m forms demo`` and the tests)."""

from __future__ import annotations

from collections.abc import Callable

from forms import (
    acceptance,
    archive_list,
    archive_register,
    closure,
    demo,
    demo_review,
    demo_steps,
    entrustment,
    extension,
    feedback,
    handover,
    intake,
    ledger,
    one_time_notice,
    rating_followup,
    refusal_record,
    resumption,
    return_notice,
    review,
    suspension,
    visit_receipt,
    withdrawal,
)

DEMO_FILES: dict[str, Callable[[], bytes]] = {
    "代办服务委托书.pdf": lambda: entrustment.render(demo.entrustment()),
    "代办服务委托书-生僻字.pdf": lambda: entrustment.render(demo.entrustment_rare_name()),
    "帮办代办受理单.pdf": lambda: intake.render(demo_steps.intake()),
    "材料交接单.pdf": lambda: handover.render(demo.handover_in()),
    "材料签收单.pdf": lambda: handover.render(demo.handover_back()),
    "一次性告知书.pdf": lambda: one_time_notice.render(demo.one_time_notice()),
    "补正材料通知书.pdf": lambda: one_time_notice.render(demo.one_time_notice(correction=True)),
    "承诺件受理通知.pdf": lambda: acceptance.render(demo.acceptance()),
    "延期办理告知书.pdf": lambda: extension.render(demo.extension()),
    "退回件通知书.pdf": lambda: return_notice.render(demo.return_notice()),
    "否定报备登记表.pdf": lambda: refusal_record.render(demo.refusal_record()),
    "代办服务中止单.pdf": lambda: suspension.render(demo_steps.suspension()),
    "续办委托书.pdf": lambda: resumption.render(demo_steps.resumption()),
    "代办服务办结（终止）单-办结.pdf": lambda: closure.render(demo_steps.completion()),
    "代办服务办结（终止）单-终止.pdf": lambda: closure.render(demo_steps.termination()),
    "撤回确认书.pdf": lambda: withdrawal.render(demo_steps.withdrawal()),
    "服务意见反馈表.pdf": lambda: feedback.render(demo.feedback()),
    "差评回访整改反馈单.pdf": lambda: rating_followup.render(demo_steps.rating_followup()),
    "代办台账.pdf": lambda: ledger.render(demo.ledger()),
    "档案移交清单.pdf": lambda: archive_list.render(demo.archive_list()),
    "档案查阅（复制）登记表.pdf": lambda: archive_register.render(demo_steps.archive_register()),
    "考核统计表.pdf": lambda: review.render(demo_review.review()),
    "收件回执.pdf": lambda: visit_receipt.render(demo_steps.visit_receipt()),
    "退件清单.pdf": lambda: visit_receipt.render(demo_steps.visit_return()),
}

# The list forms also export to Excel.
DEMO_XLSX: dict[str, Callable[[], bytes]] = {
    "代办台账.xlsx": lambda: ledger.to_xlsx(demo.ledger()),
    "档案移交清单.xlsx": lambda: archive_list.to_xlsx(demo.archive_list()),
}
