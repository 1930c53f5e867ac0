"""材料交接单 in every direction; 一次性告知书 / 补正材料通知书 titles and missing materials."""

from __future__ import annotations

import dataclasses

import pytest

from forms import demo, handover, one_time_notice
from forms.data import HandoverDirection, MissingMaterial
from tests.forms import pdfcheck


@pytest.mark.parametrize("direction", list(HandoverDirection))
def test_handover_every_direction_names_both_roles(direction: HandoverDirection) -> None:
    data = dataclasses.replace(demo.handover_in(), direction=direction)
    text = pdfcheck.text(handover.render(data))
    wording = handover.WORDING[direction]
    assert wording.title in text
    assert pdfcheck.squash(wording.subtitle) in text
    assert f"{wording.from_role}签字" in text
    assert f"{wording.to_role}签字" in text


def test_return_to_villager_is_a_receipt() -> None:
    assert "材料签收单" in pdfcheck.text(handover.render(demo.handover_back()))


def test_handover_totals_originals_and_copies() -> None:
    text = pdfcheck.text(handover.render(demo.handover_in()))
    assert "合计：共5项，原件4份，复印件2份。" in text


def test_notice_titles() -> None:
    assert "一次性告知书" in pdfcheck.text(one_time_notice.render(demo.one_time_notice()))
    assert "补正材料通知书" in pdfcheck.text(one_time_notice.render(demo.one_time_notice(correction=True)))


def test_notice_lists_many_missing_materials_across_pages() -> None:
    missing = [
        MissingMaterial(
            f"第{i}项补正材料", f"到镇为民服务中心第{i}号窗口领取空白表格并填写完整后加盖村委会公章", "原件1份"
        )
        for i in range(1, 41)
    ]
    data = dataclasses.replace(demo.one_time_notice(), missing=missing)
    pdf = one_time_notice.render(data)
    text = pdfcheck.text(pdf)
    assert pdfcheck.page_count(pdf) >= 2
    for item in missing:
        assert pdfcheck.squash(item.name) in text
    assert "需补正的全部材料（共40项）" in text
    assert pdfcheck.words_outside_body(pdf) == []


def _many_missing(n: int) -> list[MissingMaterial]:
    m = demo.one_time_notice().missing[0]
    return [dataclasses.replace(m, name=f"第{i}项补正材料") for i in range(1, n + 1)]


@pytest.mark.parametrize("count", range(1, 13))
def test_the_notice_signature_never_starts_a_page_alone(count: int) -> None:
    """Whatever the number of missing materials, the 签收 shares its page with at least the last of them."""
    pdf = one_time_notice.render(dataclasses.replace(demo.one_time_notice(), missing=_many_missing(count)))
    pages = pdfcheck.page_texts(pdf)
    signing = [i for i, page in enumerate(pages) if "申请人签收" in page]
    assert len(signing) == 1
    assert f"第{count}项补正材料" in pages[signing[0]]
    # Every item once, in order, and the header repeated over the rows that went on.
    text = pdfcheck.text(pdf)
    assert [text.count(f"第{i}项补正材料") for i in range(1, count + 1)] == [1] * count
    assert all("需补正材料" in page for page in pages[1:])
    assert pdfcheck.words_outside_body(pdf) == []


@pytest.mark.parametrize("count", [1, 8, 18, 19, 20, 24, 25, 26, 30])
def test_the_handover_signatures_stay_with_the_last_items(count: int) -> None:
    item = demo.handover_in().items[0]
    items = [dataclasses.replace(item, name=f"第{i}件交接材料") for i in range(1, count + 1)]
    pdf = handover.render(dataclasses.replace(demo.handover_in(), items=items))
    pages = pdfcheck.page_texts(pdf)
    signing = [i for i, page in enumerate(pages) if "交接双方当面清点" in page]
    assert len(signing) == 1
    assert f"第{count}件交接材料" in pages[signing[0]]
    assert pdfcheck.squash(f"合计：共{count}项") in pdfcheck.squash(pages[signing[0]])
    assert [i for i, page in enumerate(pages) if "签字" in page] == signing  # both signature lines together
    assert pdfcheck.words_outside_body(pdf) == []
