"""Finding a character by code point or reading (issue 13): what the 生僻字 dialog offers."""

from __future__ import annotations

import pytest

from desktop.services.casework.rare_chars import READINGS, lookup, parse_code_point
from sync.domain.errors import ValidationError
from tests.domain import names_corpus

JI = "\U00020bb7"  # 𠮷, Ext B: no reading in the data
ZHE = "\U0002a6a5"  # 𪚥, Ext B, read zhé


@pytest.mark.parametrize("typed", ["U+20BB7", "u+20bb7", "20BB7", "0x20bb7", " 20bb7 ", JI])
def test_a_code_point_or_the_character_itself_names_it(typed: str) -> None:
    (candidate,) = lookup(typed)
    assert candidate.char == JI
    assert (candidate.code, candidate.block) == ("U+20BB7", "扩展B")


@pytest.mark.parametrize("typed", ["ba", "ba4", "de", "zhe", "zhé", "abc"])
def test_bare_hex_is_a_code_point_only_with_four_to_six_digits_one_of_them_decimal(typed: str) -> None:
    assert parse_code_point(typed) is None


def test_a_reading_offers_every_character_with_it_rare_ones_included_common_ones_first() -> None:
    every_tone = [c.char for c in lookup("zhe")]
    assert ZHE in every_tone and "这" in every_tone and "着" in every_tone
    assert every_tone.index("这") < every_tone.index("喆") < every_tone.index(ZHE)  # GB2312, GBK, Ext B
    second_tone = [c.char for c in lookup("zhé")]
    assert second_tone == [c.char for c in lookup("zhe2")]
    assert ZHE in second_tone and "这" not in second_tone  # 这 is zhè
    assert ZHE not in [c.char for c in lookup("zhe4")]
    (zhe,) = [c for c in lookup("zhé") if c.char == ZHE]
    assert zhe.readings == ("zhé",)
    assert "\U0002c317" in [c.char for c in lookup("he")]  # 𬌗, Ext E
    assert "绿" in [c.char for c in lookup("lv")] and [c.char for c in lookup("lü4")] == [c.char for c in lookup("lv4")]


def test_readings_of_the_corpus_names_find_them_where_the_data_knows_them() -> None:
    level2 = getattr(names_corpus, "LEVEL2_BEYOND_BMP", "")
    chars = {c for name in names_corpus.NAMES.values() for c in name if c != "·"} | set(level2)
    found = 0
    for char in chars:
        for reading in READINGS.readings(char):
            assert char in [c.char for c in lookup(reading)], (char, reading)
            found += 1
    assert found > 20


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("U+E000", "输入的字符中含有私用区字符（U+E000），其他电脑无法正确显示，请改用标准汉字后重新输入"),
        ("F0000", "输入的字符中含有私用区字符（U+F0000），其他电脑无法正确显示，请改用标准汉字后重新输入"),
        ("D800", "输入的字符中含有无法识别的字符（U+D800），请删除后重新输入"),
        ("U+0000", "输入的字符中含有无法识别的字符（U+0000），请删除后重新输入"),
        ("U+FFFF", "输入的字符中含有无法识别的字符（U+FFFF），请删除后重新输入"),
        ("U+110000", "没有 U+110000 这个码位：Unicode 码位最大为 U+10FFFF"),
    ],
)
def test_the_name_rules_refuse_a_code_point_in_chinese(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        lookup(typed)
    assert refused.value.message == message


def test_an_old_gb18030_private_use_code_point_is_offered_as_its_standard_character() -> None:
    (candidate,) = lookup("U+E81E")
    assert candidate.char == "\u9fb4"


def test_a_compatibility_ideograph_is_offered_as_the_character_it_is_stored_as() -> None:
    (candidate,) = lookup("U+F900")  # 豈, NFC: U+8C48
    assert candidate.char == "\u8c48"
    assert all(not 0xF900 <= ord(c.char) <= 0xFAFF for c in lookup("qi"))
