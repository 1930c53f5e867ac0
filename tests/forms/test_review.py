"""考核统计表 (forms.review): every figure read back from the PDF, long names, many stations, an empty period."""

from __future__ import annotations

import dataclasses

import pytest

from forms import demo_review, review
from forms.data import ReviewReport, ReviewRow
from tests.forms import pdfcheck


def _many(n: int) -> list[ReviewRow]:
    return [
        ReviewRow(
            f"青溪镇第{i}号自然村与相邻自然村联合设立的政务服务代办站附属代办点（QX{i:04d}）",
            cases=10,
            immediate_done=2,
            immediate_on_spot=2,
            promised_done=3,
            promised_on_time=3,
            rated=10,
            satisfied=10 - 5 * (i % 4 == 0),
            bad=int(i % 4 == 0),
        )
        for i in range(n)
    ]


def test_every_station_clerk_and_rate_is_printed() -> None:
    data = demo_review.review()
    pdf = review.render(data)
    text = pdfcheck.text(pdf)
    assert "考核统计表" in text and "统计周期：2026年第4季度" in text and "青溪镇为民服务中心" in text
    assert "编号：KH-2026-Q4" in text
    for row in (*data.stations, *data.clerks):
        station = row.name.rpartition(" · ")[2]
        assert pdfcheck.squash(station) in text, row.name
        assert f"{row.cases}" in text
    # the town's total: cases, both completion rates, satisfaction against the target, 差评
    # the town's total (counted from the demo cases, tests/forms/test_demo_agree.py): cases, both completion
    # rates, satisfaction against the target
    assert "136" in text and "90.5%" in text and "（19/21）" in text and "81.3%" in text and "（87/107）" in text
    assert "91.9%" in text and "满意率（目标≥98%）" in text and "（113/123）未达标" in text
    # stations below the target are marked, one without ratings says so
    assert "93.9%未达标" in text and "82.8%未达标" in text and "暂无评价" in text
    assert text.count("未达标") >= 2 * 2 + 1  # chart and table for each, and the total
    assert "目标98%" in text and "制表人：王主任" in text and "2026年11月20日" in text


def test_text_of_each_row_is_in_order() -> None:
    data = demo_review.review()
    pages = "".join(pdfcheck.page_texts(review.render(data)))
    text = pdfcheck.squash(pages)
    first = data.stations[0]
    assert f"1{pdfcheck.squash(first.name)}{first.cases}100.0%（5/5）82.1%未达标3393.9%未达标2" in text


def test_many_long_station_names_stay_inside_the_page() -> None:
    data = dataclasses.replace(demo_review.review(), stations=_many(60), clerks=[])
    pdf = review.render(data)
    assert pdfcheck.words_outside_body(pdf) == []
    pages = [pdfcheck.squash(t) for t in pdfcheck.page_texts(pdf)]
    for n, page in enumerate(pages, 1):
        assert f"第{n}页共{len(pages)}页" in page
    text = "".join(pages)
    for i in range(60):
        assert f"（QX{i:04d}）" in text


def test_chart_labels_wrap_before_the_code_and_are_clipped_after_two_lines() -> None:
    width = 45 * 2.834645669
    assert review._wrap_label("青溪镇石桥村政务服务代办站（QX0312）", width) == [
        "青溪镇石桥村政务服务代办站",
        "（QX0312）",
    ]
    lines = review._wrap_label("很长" * 40, width)
    assert len(lines) == 2 and lines[1].endswith("…")


@pytest.mark.parametrize("stations", [0, 1])
def test_an_empty_or_single_station_period_renders(stations: int) -> None:
    total = ReviewRow("全镇合计")
    data = ReviewReport("青溪镇为民服务中心", "2027-01", "2027年1月", total, _many(stations), [])
    text = pdfcheck.text(review.render(data))
    assert "第1页共1页" in text
    assert "本期没有办件" in text  # the clerks' table is empty in both cases
    assert ("（QX0000）" in text) == (stations == 1)


def test_render_is_deterministic_and_embeds_its_fonts() -> None:
    data = demo_review.review()
    pdf = review.render(data)
    assert pdf == review.render(data)
    assert all(pdfcheck.font_is_embedded(font) for _name, font in pdfcheck.fonts(pdf))
