"""The payload schemas (issue 15): one parse function, typed values, refusals naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sync.domain.case_rules import ACTIONS
from sync.domain.errors import ValidationError
from sync.domain.payloads import SCHEMAS, parse_event, parse_payload

from .factories import Chain, registered_payload, signed_handover

AT = "2026-11-23T02:00:00.000+00:00"


def _refusal(event_type: str, payload: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_payload(event_type, payload, occurred_at=AT)
    return caught.value


def test_every_case_action_and_audit_type_has_a_schema() -> None:
    assert {f"case.{a}" for a in ACTIONS} | {"case.registered", "audit.export", "audit.id_number_read"} == set(SCHEMAS)


def test_a_registration_parses_to_typed_values_and_keeps_extra_keys() -> None:
    payload = registered_payload(extra_from_an_older_version={"x": 1})
    parsed = parse_payload("case.registered", payload, occurred_at=AT)
    assert parsed.raw is payload  # never rewritten: the hash is over it
    assert parsed.get("applicant")["name"] == "张三"
    assert parsed.get("applicant")["special_groups"] == ("老",)
    assert parsed.get("materials")[0]["copies"] == 1
    assert parsed.get("extra_from_an_older_version") is None  # not declared, but kept in raw
    assert parsed.raw["extra_from_an_older_version"] == {"x": 1}


def test_what_older_stations_wrote_still_parses() -> None:
    chain = Chain()
    case_id = registered_payload()["case_id"]
    cases = [
        ("case.registered", registered_payload()),  # no 委托书 signatures (before on-screen signing)
        ("case.accept", {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"}),
        ("case.deliver", {"case_id": case_id}),  # no delivered_on
        ("case.give_feedback", {"case_id": case_id, "rating": 5}),  # rating only
        ("case.archive", {"case_id": case_id, "archived_on": "2026-12-01", "closed_on": "", "retention_days": 30}),
        ("case.extend", {"case_id": case_id, "due_on": "2026-12-30", "previous_due_on": None, "consent": True}),
        ("case.handover", signed_handover(case_id, "villager", "clerk", [{"name": "户口本", "original": True}])),
        ("audit.export", {"what": "backup", "title": "", "case_count": 3, "file_name": "a.zip", "folder": "D:\\备份"}),
    ]
    for event_type, payload in cases:
        parse_event(chain.add(event_type, payload))


@pytest.mark.parametrize(
    ("event_type", "payload", "field", "words"),
    [
        ("case.registered", {"applicant": {"name": "张" * 100_000}}, "applicant.name", "委托人姓名不能超过50个字"),
        ("case.registered", {"applicant": {"special_groups": {"老": True}}}, "applicant.special_groups", "格式不正确"),
        ("case.registered", {"applicant": {"address": "城南村\x00三组"}}, "applicant.address", "委托人住址中含有"),
        ("case.registered", {"applicant": {"address": "城南\ud800"}}, "applicant.address", "U+D800"),
        ("case.registered", {"materials": "身份证"}, "materials", "材料清单的格式不正确"),
        ("case.registered", {"materials": [1, 2]}, "materials[0]", "材料清单的格式不正确"),
        ("case.registered", {"materials": [{"name": "身份证", "copies": 0}]}, "materials[0].copies", "1到999"),
        ("case.registered", {"kind": "vip"}, "kind", "服务方式"),
        ("case.accept", {"due_on": "0001-01-01"}, "due_on", "超出合理范围"),
        ("case.accept", {"due_on": "2040-01-01"}, "due_on", "超出合理范围"),
        ("case.accept", {"accepted_on": "23/11/2026"}, "accepted_on", "不是有效的日期"),
        ("case.accept", {"accepted_on": None}, "accepted_on", "缺少受理日期"),
        ("case.give_feedback", {"rating": "5"}, "rating", "满意度评价的格式不正确"),
        ("case.give_feedback", {"rating": 9}, "rating", "1到5"),
        ("case.handover", {"items": "户口本"}, "items", "交接材料的格式不正确"),
        ("case.withdraw", {"reason": ["a"]}, "reason", "撤回原因的格式不正确"),
        ("case.attach", {"filename": {"a": 1}}, "filename", "附件文件名的格式不正确"),
    ],
)
def test_bad_payloads_are_refused_naming_the_field(
    event_type: str, payload: dict[str, Any], field: str, words: str
) -> None:
    base: dict[str, Any] = {
        "case.registered": registered_payload(),
        "case.accept": {"case_id": "c1", "accepted_on": "2026-11-23", "due_on": "2026-11-30"},
        "case.give_feedback": {"case_id": "c1", "rating": 5},
        "case.handover": {"case_id": "c1", "from": "villager", "to": "clerk", "items": [{"name": "户口本"}]},
        "case.withdraw": {"case_id": "c1", "reason": "不办了"},
        "case.attach": {"case_id": "c1", "sha256": "0" * 64, "filename": "a.jpg"},
    }[event_type]
    merged = {
        **base,
        **{
            k: ({**base[k], **v} if isinstance(v, dict) and isinstance(base.get(k), dict) else v)
            for k, v in payload.items()
        },
    }
    error = _refusal(event_type, merged)
    assert error.field == field
    assert words in error.message


def test_unknown_types_and_non_objects_are_refused() -> None:
    assert _refusal("case.teleport", {"case_id": "c1"}).field == "type"
    assert _refusal("case.deliver", ["c1"]).field == "payload"
    assert _refusal("case.deliver", {}).field == "case_id"


def test_dates_are_typed_and_windowed_around_the_event() -> None:
    parsed = parse_payload(
        "case.accept", {"case_id": "c", "accepted_on": "2026-11-23", "due_on": "2036-12-31"}, occurred_at=AT
    )
    assert parsed.date("due_on") == date(2036, 12, 31)
    assert parsed.date("accepted_on") == date(2026, 11, 23)


def test_the_fast_character_check_matches_the_character_rules() -> None:
    """``payload_fields._SUSPECT`` skips the per-character loop only where ``text.bad_char`` finds nothing."""
    from sync.domain.payload_fields import _SUSPECT
    from sync.domain.text import bad_char

    points = [*range(0x11000), *(p + d for p in range(0x10000, 0x110000, 0x10000) for d in (-2, -1, 0, 1))]
    points += [0x20BB7, 0x2C317, 0xF0000, 0x10FFFD, 0x10FFFE, 0x10FFFF]
    for cp in points:
        char = chr(cp)
        assert (bad_char(char) is not None) == (_SUSPECT.search(char) is not None), hex(cp)
