"""否定报备登记表: reported up (not handed to the applicant), with the 承办人's title and own opinion and
the materials still to complete; nothing is pre-printed as someone's opinion (issue 14)."""

from __future__ import annotations

import dataclasses

from forms import demo, refusal_record
from forms.refusal_record import HAND_LINES
from tests.forms import pdfcheck


def test_the_record_goes_up_and_names_the_staff_and_what_is_missing() -> None:
    record = dataclasses.replace(demo.refusal_record(), to_complete=("拆旧退还承诺书", "村庄规划选址意见"))
    text = pdfcheck.text(refusal_record.render(record))
    assert "一份报青溪镇为民服务中心分管领导，一份由代办站存档" in text
    assert "一份交申请人" not in text
    assert "徐志明（镇自然资源所工作人员）" in text
    assert "经现场核查" in text and "应补全的材料拆旧退还承诺书、村庄规划选址意见" in text


def test_an_opinion_not_recorded_is_left_to_write_by_hand() -> None:
    record = dataclasses.replace(demo.refusal_record(), staff_opinion="")
    text = pdfcheck.text(refusal_record.render(record))
    assert "建议不予受理，退回申请材料" not in text  # no opinion is put in the 承办人's mouth
    assert pdfcheck.squash(HAND_LINES) in text
