"""The case page's 打印 menu offers the 帮办代办受理单 of every 代办/帮办 case and the 差评回访整改反馈单
only on a case rated 不满意 or 非常不满意."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.services.casework import workflow
from desktop.services.casework.feedback import give_feedback
from desktop.services.context import ServiceContext
from desktop.ui.case_detail_window import CaseDetailWindow
from desktop.ui.main_window import MainWindow

from ..services.workflow_helpers import center, feedback, registered
from .case_page import open_case

FOLLOW_UP = "差评回访整改反馈单"


def titles(page: CaseDetailWindow) -> list[str]:
    return [a.text() for a in page.print_menu.actions()]


def rated(ctx: ServiceContext, rating: int) -> str:
    case_id = registered(ctx)
    workflow.deliver(ctx, case_id)
    center(ctx, "case.center_accept", {"case_id": case_id})
    center(ctx, "case.center_complete", {"case_id": case_id, "result": "已办结"})
    give_feedback(ctx, case_id, feedback(ctx, case_id, rating, attitude="态度冷淡"))
    return case_id


def test_a_bad_rating_offers_the_follow_up_sheet(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    page = open_case(qtbot, window, rated(ctx, 2))
    qtbot.waitUntil(lambda: FOLLOW_UP in titles(page), timeout=5000)
    assert titles(page)[:2] == ["代办服务委托书", "帮办代办受理单"]
    assert titles(page).index("服务意见反馈表") < titles(page).index(FOLLOW_UP)


def test_a_good_rating_does_not(qtbot: QtBot, window: MainWindow, ctx: ServiceContext) -> None:
    page = open_case(qtbot, window, rated(ctx, 4))
    qtbot.waitUntil(lambda: "服务意见反馈表" in titles(page), timeout=5000)
    assert FOLLOW_UP not in titles(page) and "帮办代办受理单" in titles(page)
