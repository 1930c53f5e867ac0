"""The texts a villager signs say what the law says for his matter, and nothing it does not (issue 14)."""

from __future__ import annotations

import dataclasses

from forms import demo, extension, one_time_notice, return_notice
from tests.forms import glyphs

LICENSING = "《中华人民共和国行政许可法》第三十二条"


def test_a_one_time_notice_cites_no_law_the_catalog_does_not_name() -> None:
    # The demo matter (养老保险待遇) is a 行政给付: the 行政许可法 does not bind it.
    text = glyphs.pdftotext(one_time_notice.render(demo.one_time_notice()))
    assert "行政许可法" not in text
    assert "现将办理该事项的要求及需补正的全部材料一次性告知如下" in text


def test_a_licensing_matter_cites_its_article() -> None:
    record = dataclasses.replace(demo.one_time_notice(), notice_basis=LICENSING)
    text = glyphs.pdftotext(one_time_notice.render(record))
    assert f"根据{LICENSING}的规定，现将办理该事项的要求" in text


def test_the_correction_notice_has_its_own_wording_a_deadline_and_the_person_in_charge() -> None:
    text = glyphs.pdftotext(one_time_notice.render(demo.one_time_notice(correction=True)))
    assert "补正材料通知书" in text and "一次性告知书" not in text
    assert "请您于2026年11月23日前补齐" in text and "补正期限：2026年11月23日" in text
    assert "承办人：陈晓燕" in text and "通知单位：" in text
    assert "本人已收到本通知书" in text and "本告知书" not in text
    blank = dataclasses.replace(demo.one_time_notice(correction=True), correction_due=None)
    assert "补正期限：_____年___月___日" in glyphs.pdftotext(one_time_notice.render(blank))


def test_a_return_names_the_deciding_department_and_the_remedy_and_is_no_refusal() -> None:
    text = glyphs.pdftotext(return_notice.render(demo.return_notice()))
    assert "经代办站初审" in text
    assert "暂不能代为向青溪镇人民政府（镇自然资源所承办）提交" in text
    assert "本通知不是青溪镇人民政府（镇自然资源所承办）作出的不予受理决定" in text
    assert "救济途径" in text and "申请行政复议" in text and "提起行政诉讼" in text
    assert "因下列原因不予受理" not in text  # the village station is not the organ that refuses


def test_without_a_department_or_remedy_the_town_center_is_named_and_no_rights_are_invented() -> None:
    record = dataclasses.replace(demo.return_notice(), department="", remedy="")
    text = glyphs.pdftotext(return_notice.render(record))
    assert "暂不能代为向青溪镇为民服务中心提交" in text
    assert "救济途径" not in text and "行政复议" not in text


def test_the_catalog_carries_the_notice_basis_and_the_remedy() -> None:
    from sync.domain.catalog import ServiceItem

    entry = {"code": "ZJ001", "name": "农村宅基地审批", "department": "镇人民政府", "promised_days": 20}
    plain = ServiceItem.from_dict(entry)
    assert plain.notice_basis == "" and plain.remedy == ""  # old catalogs still load
    full = ServiceItem.from_dict({**entry, "notice_basis": LICENSING, "remedy": "可申请行政复议"})
    assert full.notice_basis == LICENSING and full.remedy == "可申请行政复议"


def test_the_extension_notice_lets_the_villager_refuse() -> None:
    signed = squashed(glyphs.pdftotext(extension.render(demo.extension())))
    unsigned = dataclasses.replace(demo.extension(), applicant_signature=None, consented_on=None)
    blank = squashed(glyphs.pdftotext(extension.render(unsigned)))
    for text in (signed, blank):
        assert "同意延期办理" in text and "不同意延期办理" in text and "按原承诺时限继续催办" in text
        assert "上述延期原因，同意延期办理" not in text  # no consent printed for him


def squashed(text: str) -> str:
    return "".join(text.split())
