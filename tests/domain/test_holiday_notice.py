"""The State Council's yearly notice typed as lines: parsed into the calendar document, bad lines refused."""

from __future__ import annotations

import json
from datetime import date

from sync.domain.calendar import HolidayCalendar
from sync.domain.holiday_notice import days_of, notice_spec, parse_notice, periods, year_changes, year_days

#: 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）, as typed from the notice.
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
国办发明电〔2025〕7号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作。
"""


def _shipped() -> dict[str, object]:
    with open("resources/holidays/cn.json", encoding="utf-8") as f:
        document: dict[str, object] = json.load(f)
    return document


def test_the_2026_notice_gives_the_shipped_2026_calendar() -> None:
    notice = parse_notice(NOTICE_2026, 2026)
    assert notice.errors == ()
    named, workdays = year_days(_shipped(), 2026)
    assert {d: p.name for p in notice.holidays for d in days_of(p)} == named
    assert set(notice.workdays) == workdays
    document = {"version": "t", "years": {"2026": notice_spec(notice, "国办发明电〔2025〕7号")}}
    calendar = HolidayCalendar.from_dict(document)
    assert not calendar.is_workday(date(2026, 2, 23)) and calendar.is_workday(date(2026, 2, 28))
    assert year_changes({"years": {"2026": _shipped()["years"]["2026"]}}, document) == []  # type: ignore[index]


def test_short_and_iso_lines() -> None:
    lines = ["元旦：1月1日至3日", "调休上班：2月14日、2月28日", "2027-02-06~2027-02-12 春节", "2027-04-05 清明节"]
    text = "\n".join([*lines, "2027-02-20 上班", "# 注释"])
    notice = parse_notice(text, 2027)
    assert notice.errors == ()
    assert [(p.name, p.start.isoformat(), p.end.isoformat()) for p in notice.holidays] == [
        ("元旦", "2027-01-01", "2027-01-03"),
        ("春节", "2027-02-06", "2027-02-12"),
        ("清明节", "2027-04-05", "2027-04-05"),
    ]
    assert [d.isoformat() for d in notice.workdays] == ["2027-02-14", "2027-02-20", "2027-02-28"]


def test_bad_lines_are_refused_with_their_line_numbers() -> None:
    text = "\n".join(
        [
            "元旦：1月1日至3日",
            "春节：2月30日至3月2日放假",
            "端午节 6月19日",
            "2027-13-01 元旦",
            "国庆节：10月7日至1日",
            "调休上班：下周六",
            "2026-05-01~2026-05-03 劳动节",
            "：5月1日",
        ]
    )
    notice = parse_notice(text, 2027)
    assert notice.holidays == () and notice.workdays == ()
    found = {e.line: e.message for e in notice.errors}
    assert set(found) == {2, 3, 4, 5, 6, 7, 8}
    assert "2027年2月30日不是有效的日期" in found[2]
    assert "无法识别" in found[3]
    assert "2027年13月1日不是有效的日期" in found[4]
    assert "结束日期早于开始日期" in found[5]
    assert "没有写调休上班的日期" in found[6]
    assert "不在2027年内" in found[7]
    assert "节日名称" in found[8]


def test_a_day_both_holiday_and_workday_is_refused() -> None:
    notice = parse_notice("元旦：1月1日至3日\n调休上班：1月2日", 2027)
    assert notice.errors and "既是假日又是调休上班日" in notice.errors[0].message


def test_periods_join_consecutive_days_of_one_name() -> None:
    named = {date(2027, 1, d): "元旦" for d in (1, 2, 3)} | {date(2027, 1, 5): "元旦", date(2027, 1, 6): "其他"}
    assert [(p.start.day, p.end.day, p.name) for p in periods(named)] == [
        (1, 3, "元旦"),
        (5, 5, "元旦"),
        (6, 6, "其他"),
    ]
