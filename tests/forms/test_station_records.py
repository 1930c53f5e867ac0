"""The 帮办代办受理单, the 差评回访整改反馈单 and the 档案查阅（复制）登记表: key texts read back with pdftotext."""

from __future__ import annotations

import dataclasses

from forms import archive_register, demo, demo_steps, intake, rating_followup
from forms.data import ArchiveConsultRegister
from tests.forms import glyphs, pdfcheck


def read(pdf: bytes) -> str:
    return pdfcheck.squash(glyphs.pdftotext(pdf))


def test_the_intake_slip_names_the_request_its_limit_and_both_signers() -> None:
    record = demo_steps.intake()
    text = read(intake.render(record))
    for expected in (
        "帮办代办受理单",
        record.case_no,
        "王秀英",
        "330183********0029",
        record.applicant.phone,
        record.matter,
        "受理时间2026年11月16日09时40分",
        "5个工作日（自受理次日起计算，法定节假日不计）",
        "承诺办结日期2026年11月23日",
        "合计：共5项，原件4份，复印件2份。",
        "申请人（签字）",
        "帮办代办员（签字）",
        "代办站盖章处",
        "监督电话：0571-88610000",
    ):
        assert pdfcheck.squash(expected) in text, expected
    assert record.applicant.id_number not in text, "the ID number is printed masked"


def test_an_immediate_case_is_done_on_the_spot_and_an_unknown_limit_is_a_blank() -> None:
    record = demo_steps.intake()
    text = read(intake.render(dataclasses.replace(record, case_type="即办件", promised_days=None, due_on=None)))
    assert "当场办结（即办件）" in text and "个工作日（自受理次日" not in text
    assert "承诺办结日期_____年___月___日" in text
    unknown = read(intake.render(dataclasses.replace(record, promised_days=None)))
    assert "____个工作日" in unknown
    other = read(intake.render(dataclasses.replace(record, case_type="联办件")))
    assert "办件类型联办件" in other


def test_a_rare_character_name_prints_exactly() -> None:
    record = dataclasses.replace(demo_steps.intake(), applicant=demo.RARE_VILLAGER)
    text = glyphs.pdftotext(intake.render(record))
    assert demo.RARE_VILLAGER.name in text  # 王𠮷堃: Ext B through the fallback font


def test_the_follow_up_sheet_prints_the_bad_rating_the_comments_and_the_centers_outcome() -> None:
    record = demo_steps.rating_followup()
    text = read(rating_followup.render(record))
    for expected in (
        "差评回访整改反馈单",
        record.case_no,
        "李桂兰",
        "评价日期2026年11月19日",
        "一事一评（签名板）",
        "服务效率：非常不满意；服务水平：基本满意；服务态度：不满意",
        "服务效率：说好5个工作日，拖了9天才办好，也没人打电话说一声；意见建议：超期要提前告诉我们。",
        record.outcome,
        "（2026年11月24日办结，周建国登记）",
        "回访时间_____年___月___日",
        "核实情况",
        "整改措施",
        "整改结果",
        "反馈评价人",
        "回访人（签字）",
        "负责人（签字）",
        "评价人（签字）",
        "存档",
    ):
        assert pdfcheck.squash(expected) in text, expected
    assert pdfcheck.page_count(rating_followup.render(record)) == 1


def test_an_open_follow_up_says_so_and_no_comment_is_not_a_blank() -> None:
    record = dataclasses.replace(
        demo_steps.rating_followup(), outcome="", followed_up_on=None, followed_up_by="", comments=(), dimensions={}
    )
    text = read(rating_followup.render(record))
    assert "镇为民服务中心尚未登记回访整改结果（待回访整改）" in text
    assert "（评价人未填写意见）" in text and "（未分项评价）" in text


def test_the_follow_up_sheet_prints_a_rare_character_name() -> None:
    record = dataclasses.replace(demo_steps.rating_followup(), applicant=demo.RARE_VILLAGER)
    assert demo.RARE_VILLAGER.name in glyphs.pdftotext(rating_followup.render(record))


def test_the_blank_register_is_one_page_of_ruled_rows_under_the_rule_of_consent() -> None:
    blank = ArchiveConsultRegister(station=demo.STATION, year=2027)
    pdf = archive_register.render(blank)
    assert pdfcheck.page_count(pdf) == 1
    text = read(pdf)
    for expected in (
        "档案查阅（复制）登记表",
        "2027年度",
        "登记簿编号：QX0312-CY-2027",
        *(pdfcheck.squash(h) for h in archive_register.HEADERS),
        "须经代办站负责人同意，并由其在“批准人”栏签字后方可提供",
        "归还时由档案管理人当面清点页数无误后签字",
    ):
        assert expected in text, expected
    assert "12" in text and "13" not in text  # twelve numbered rows to write in


def test_entries_print_masked_and_the_head_is_named() -> None:
    record = demo_steps.archive_register()
    text = read(archive_register.render(record))
    assert "负责人（周建国）同意" in text
    assert "330183********0029" in text and record.rows[0].id_number not in text
    for row in record.rows:
        assert pdfcheck.squash(row.files) in text and row.purpose in text
    assert pdfcheck.page_count(archive_register.render(record)) == 1


def test_a_long_register_repeats_its_header_on_every_page() -> None:
    record = dataclasses.replace(demo_steps.archive_register(), blank_rows=40)
    pages = [pdfcheck.squash(t) for t in pdfcheck.page_texts(archive_register.render(record))]
    assert len(pages) >= 3 and all("查阅档案（办件编号/名称）" in page for page in pages)


def test_a_rare_character_name_in_the_register_prints_exactly() -> None:
    record = demo_steps.archive_register()
    rows = (dataclasses.replace(record.rows[0], person=demo.RARE_VILLAGER.name), *record.rows[1:])
    pdf = archive_register.render(dataclasses.replace(record, rows=rows))
    assert demo.RARE_VILLAGER.name in glyphs.pdftotext(pdf)
