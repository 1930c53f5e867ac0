from __future__ import annotations

from datetime import date

import pytest

from sync.domain.errors import ValidationError
from sync.domain.validation import (
    id_check_char,
    mask_id_number,
    validate_id_number,
    validate_name,
    validate_phone,
)


def test_check_char_known_numbers() -> None:
    assert id_check_char("11010519491231002") == "X"


def _iso7064_ok(number: str) -> bool:
    """Independent check (ISO 7064 MOD 11-2): sum of a_i * 2^(18-i) ≡ 1 (mod 11)."""
    values = [10 if c == "X" else int(c) for c in number]
    return sum(v * pow(2, 17 - i) for i, v in enumerate(values)) % 11 == 1


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("first17", ["44030819900101123", "32010620001231567", "51010219850612003"])
def test_check_char_agrees_with_iso7064(first17: str) -> None:
    number = first17 + id_check_char(first17)
    assert _iso7064_ok(number)
    assert validate_id_number(number, today=TODAY) == number


def test_valid_id_with_x_lower_case_is_normalized() -> None:
    assert validate_id_number(" 11010519491231002x ", today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写身份证号码"),
        ("1101051949123100", "18位"),
        ("11010519491231002A", "18位"),
        ("110105194912310021", "校验位"),
        ("110105194902300028", "出生日期"),
    ],
)
def test_invalid_id_numbers_are_refused_in_chinese(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_id_number(raw, today=TODAY)
    assert message in err.value.message
    assert err.value.field == "id_number"


def test_mask_keeps_region_and_last_four() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize("phone", ["13800138000", "0571-88886666", "057188886666"])
def test_valid_phones(phone: str) -> None:
    assert validate_phone(phone) == phone


@pytest.mark.parametrize("phone", ["1380013800a", "12345", "", "23800138000"])
def test_invalid_phones(phone: str) -> None:
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_phone_with_letters_gets_specific_message() -> None:
    with pytest.raises(ValidationError, match="只能包含数字"):
        validate_phone("138abc38000")


def test_empty_name_refused() -> None:
    with pytest.raises(ValidationError, match="请填写姓名"):
        validate_name("   ")


@pytest.mark.parametrize(
    "raw",
    [
        "１１０１０５１９４９１２３１００２Ｘ",  # an IME in 全角 mode
        "110105 19491231 002x",  # pasted with spaces
        "110105\u300019491231\u3000002X\t",  # ideographic spaces
    ],
)
def test_full_width_digits_and_spaces_are_read_as_the_number(raw: str) -> None:
    assert validate_id_number(raw, today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("１３８００１３８０００", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("０７３１－８８８８８８８", "0731-8888888"),
    ],
)
def test_full_width_and_spaced_phones_are_normalised(raw: str, phone: str) -> None:
    assert validate_phone(raw) == phone
