"""The character rules of issue 13: names and free text kept exactly, bad code points refused by name."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from sync.domain.errors import ValidationError
from sync.domain.feedback import clean_comments
from sync.domain.model import Applicant, MaterialItem
from sync.domain.text import MIDDLE_DOT, clean_name, clean_text, find_bad_text, normalize_name
from sync.domain.validation import validate_name

from .names_corpus import LOOKALIKE_DOTS, NAMES

TODAY = date(2026, 12, 5)
ID = "11010519491231002X"

#: One of each refused class: (code point, what the message says).
BAD = [
    ("\x00", "U+0000"),  # NUL: PostgreSQL cannot store it
    ("\x07", "U+0007"),  # C0 control
    ("\x7f", "U+007F"),  # DEL
    ("\x85", "U+0085"),  # C1 control (NEL)
    ("\ud800", "U+D800"),  # lone high surrogate (a JSON "\ud800" escape)
    ("\udfff", "U+DFFF"),  # lone low surrogate
    ("\ue000", "U+E000"),  # BMP private use
    ("\U000f0000", "U+F0000"),  # plane 15 private use
    ("\U0010fffd", "U+10FFFD"),  # plane 16 private use
    ("\ufdd0", "U+FDD0"),  # noncharacter
    ("\uffff", "U+FFFF"),  # noncharacter
    ("\U0002fffe", "U+2FFFE"),  # noncharacter at the end of a plane
]


@pytest.mark.parametrize("key", sorted(NAMES))
def test_every_corpus_name_is_kept_exactly(key: str) -> None:
    assert validate_name(NAMES[key]) == NAMES[key]
    assert clean_name(f"  {NAMES[key]} ") == NAMES[key]


def test_characters_beyond_the_bmp_count_as_one() -> None:
    assert len(NAMES["fifty"]) == 50
    assert validate_name(NAMES["fifty"]) == NAMES["fifty"]
    assert validate_name("王" + "\U00020bb7" * 49) == "王" + "\U00020bb7" * 49


def test_51_characters_are_refused() -> None:
    with pytest.raises(ValidationError) as err:
        validate_name(NAMES["fifty"] + "克")
    assert err.value.field == "name"
    assert "50" in err.value.message


def test_nfc_before_storage() -> None:
    decomposed = "Jose\u0301·买买提"  # é as e + combining acute (a name pasted from a Mac)
    assert clean_name(decomposed) == "Jos\u00e9·买买提"
    assert clean_text("Cafe\u0301", field="address", label="住址") == "Caf\u00e9"
    # CJK compatibility ideographs are left as NFC leaves them: that is what the standard says they are
    assert clean_name("王\U00020bb7") == unicodedata.normalize("NFC", "王\U00020bb7")


@pytest.mark.parametrize("dot", list(LOOKALIKE_DOTS))
def test_lookalike_dots_become_the_middle_dot(dot: str) -> None:
    assert clean_name(f"阿依古丽{dot}买买提") == "阿依古丽·买买提"
    assert normalize_name(f"爱新觉罗 {dot} 溥仪") == "爱新觉罗·溥仪"


def test_ascii_full_stop_and_other_text_are_not_rewritten() -> None:
    assert clean_name("J.Smith") == "J.Smith"
    # free text keeps its bullets: only names treat them as the separator
    assert clean_text("• 户口簿", field="note", label="备注") == "• 户口簿"


@pytest.mark.parametrize("name", ["·买买提", "阿依古丽·", "阿依古丽··买买提", "阿依古丽•・买买提"])
def test_a_dot_must_separate_two_parts(name: str) -> None:
    with pytest.raises(ValidationError, match=MIDDLE_DOT):
        clean_name(name)


@pytest.mark.parametrize(("char", "code"), BAD)
def test_each_bad_class_is_refused_naming_field_and_code_point(char: str, code: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_name(f"王{char}秀英")
    assert err.value.field == "name"
    assert err.value.message.startswith("姓名中含有")
    assert f"（{code}）" in err.value.message
    with pytest.raises(ValidationError) as err:
        clean_text(f"一行\n{char}", field="reason", label="撤回原因", multiline=True)
    assert (err.value.field, code in err.value.message) == ("reason", True)
    found = find_bad_text({"applicant": {"name": "王秀英", "address": f"西村{char}"}})
    assert found is not None and (found.path, found.bad.code) == ("applicant.address", code)


def test_the_message_reads_as_the_issue_asks() -> None:
    with pytest.raises(ValidationError) as err:
        validate_name("王\x00")
    assert err.value.message == "姓名中含有无法识别的字符（U+0000），请删除后重新输入"


def test_line_breaks_only_where_a_field_has_lines() -> None:
    text = clean_text(" 第一行\r\n第二行\r第三\t行 ", field="note", label="备注", multiline=True)
    assert text == "第一行\n第二行\n第三\t行"
    with pytest.raises(ValidationError, match="换行"):
        clean_name("王\n秀英")
    with pytest.raises(ValidationError, match="住址中不能有换行"):
        Applicant.create(name="王秀英", id_number=ID, phone="13800138000", address="西村\n3号", today=TODAY)


def test_gb18030_2005_private_use_ideographs_become_their_2022_code_points() -> None:
    # FE59 decoded by a GB 18030-2005 table is U+E81E; GB 18030-2022 maps it to U+9FB4
    assert clean_name("王\ue81e") == "王\u9fb4"


def test_applicant_address_material_and_comment_follow_the_rules() -> None:
    applicant = Applicant.create(
        name="阿依古丽•买买提", id_number=ID, phone="13800138000", address="\U0002c317村 3 号", today=TODAY
    )
    assert (applicant.name, applicant.address) == ("阿依古丽·买买提", "\U0002c317村 3 号")
    with pytest.raises(ValidationError) as err:
        Applicant.create(name="王秀英", id_number=ID, phone="13800138000", address="西村\x00", today=TODAY)
    assert err.value.field == "address" and "U+0000" in err.value.message
    with pytest.raises(ValidationError, match="材料名称中含有私用区字符"):
        MaterialItem.from_dict({"name": "户口簿\ue000"})
    with pytest.raises(ValidationError) as err:
        clean_comments({"attitude": "很好\ud800"})
    assert err.value.field == "attitude" and "U+D800" in err.value.message


def test_find_bad_text_walks_keys_lists_and_allows_line_breaks() -> None:
    assert find_bad_text({"note": "一\r\n二\t三", "items": [{"name": NAMES["ext_b"]}]}) is None
    found = find_bad_text({"items": [{"name": "书"}, {"name": "户口簿\x00"}]})
    assert found is not None and found.path == "items[1].name"
    found = find_bad_text({"bad\x00key": 1})
    assert found is not None and found.path == "payload" and found.bad.code == "U+0000"
