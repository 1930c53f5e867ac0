"""收件回执 / 退件清单 (forms.visit_receipt): what is printed, masked, and how a long visit breaks pages."""

from __future__ import annotations

from dataclasses import replace

from forms import demo_steps, visit_receipt
from forms.data import MaterialLine
from tests.forms import glyphs, pdfcheck


def test_receipt_prints_cases_masked_ids_materials_and_discrepancies() -> None:
    data = demo_steps.visit_receipt()
    text = glyphs.pdftotext(visit_receipt.render(data))
    assert "收件回执" in text and "QX0312-SJ-20261117" in text
    for case in data.cases:
        assert case.case_no in text and case.applicant_name in text
        assert case.applicant_id not in text  # the full 身份证 number never prints
        assert visit_receipt.L.mask_id(case.applicant_id) in text
    assert "王\U00020bb7堃" in text  # a rare name read back exactly
    assert "未收到" in text and "应2份，实收1份" in text and "户口簿原件未随件送达" in text
    assert "合计：办件3件，材料10项" in text and "窗口记录有差异或备注的1件" in text
    assert "交件人（代办员）签字" in text and "接收人（窗口工作人员）签字" in text
    assert "第1页共1页" in text


def test_return_list_swaps_the_signers() -> None:
    text = glyphs.pdftotext(visit_receipt.render(demo_steps.visit_return()))
    assert "退件清单" in text and "QX0312-TJ-20261124" in text
    assert "交件人（窗口工作人员）签字" in text and "接收人（代办员）签字" in text
    assert "办理结果：已办结" in text and "窗口清点" not in text


def test_a_long_visit_keeps_the_signatures_with_the_last_rows() -> None:
    data = demo_steps.visit_receipt()
    many = [
        replace(
            data.cases[0],
            case_no=f"QX0312-20261117-{n:04d}",
            items=[MaterialLine(f"材料{m}", m % 2 == 0) for m in range(4)],
        )
        for n in range(1, 16)
    ]
    pdf = visit_receipt.render(replace(data, cases=many))
    pages = [pdfcheck.squash(t) for t in pdfcheck.page_texts(pdf)]
    assert len(pages) >= 2
    last = pages[-1]
    assert "接收人（窗口工作人员）签字" in last and "QX0312-20261117-0015" in last  # rows go over with the signatures
    assert all("材料名称" in page for page in pages)  # the header row repeats


def test_an_empty_visit_still_prints() -> None:
    data = replace(demo_steps.visit_receipt(), cases=())
    assert "本日无交接记录" in glyphs.pdftotext(visit_receipt.render(data))
