"""The demo PDF of every form, by file name (used by ``python -m forms demo`` and the tests)."""

from __future__ import annotations

from collections.abc import Callable

from forms import (
    acceptance,
    demo,
    entrustment,
    extension,
    feedback,
    handover,
    one_time_notice,
    refusal_record,
    return_notice,
)

DEMO_FILES: dict[str, Callable[[], bytes]] = {
    "代办服务委托书.pdf": lambda: entrustment.render(demo.entrustment()),
    "材料交接单.pdf": lambda: handover.render(demo.handover_in()),
    "材料签收单.pdf": lambda: handover.render(demo.handover_back()),
    "一次性告知书.pdf": lambda: one_time_notice.render(demo.one_time_notice()),
    "补正材料通知书.pdf": lambda: one_time_notice.render(demo.one_time_notice(correction=True)),
    "承诺件受理通知.pdf": lambda: acceptance.render(demo.acceptance()),
    "延期办理告知书.pdf": lambda: extension.render(demo.extension()),
    "退回件通知书.pdf": lambda: return_notice.render(demo.return_notice()),
    "否定报备登记表.pdf": lambda: refusal_record.render(demo.refusal_record()),
    "服务意见反馈表.pdf": lambda: feedback.render(demo.feedback()),
}
