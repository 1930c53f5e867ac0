"""The 服务意见反馈表 rates 服务效率, 服务水平 and 服务态度 besides the overall rating (issue 14)."""

from __future__ import annotations

import pytest

from sync.domain.errors import ValidationError
from sync.domain.feedback import clean_dimensions, feedback_content
from sync.domain.payloads import parse_payload
from sync.domain.signing import content_hash


def test_a_form_signed_before_dimensions_existed_keeps_its_content_and_hash() -> None:
    old = {"case_id": "c1", "result_confirmed": True, "rating": 5, "comments": {"attitude": "好"}}
    assert feedback_content("c1", True, 5, {"attitude": "好"}) == old
    assert feedback_content("c1", True, 5, {"attitude": "好"}, {}) == old
    assert content_hash(feedback_content("c1", True, 5, {"attitude": "好"}, None)) == content_hash(old)


def test_rated_dimensions_are_signed_in_a_fixed_order() -> None:
    content = feedback_content("c1", True, 4, {}, {"attitude": 5, "efficiency": 3})
    assert list(content["dimensions"]) == ["attitude", "efficiency"]
    assert content_hash(content) != content_hash(feedback_content("c1", True, 4, {}, {"attitude": 5}))


@pytest.mark.parametrize(
    ("dimensions", "field"),
    [
        ({"speed": 5}, "dimensions"),
        ({"attitude": 6}, "attitude"),
        ({"attitude": True}, "attitude"),
        ([5], "dimensions"),
    ],
)
def test_a_wrong_dimension_is_refused_naming_it(dimensions: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_dimensions(dimensions)
    assert caught.value.field == field


def test_the_payload_schema_checks_the_dimensions_and_the_suggestions() -> None:
    base = {"case_id": "c1", "rating": 5, "result_confirmed": True}
    parse_payload("case.give_feedback", {**base, "dimensions": {"competence": 4}, "comments": {"suggestions": "好"}})
    with pytest.raises(ValidationError):
        parse_payload("case.give_feedback", {**base, "dimensions": {"competence": 9}})
    with pytest.raises(ValidationError):
        parse_payload("case.give_feedback", {**base, "comments": {"suggestions": "坏\x00"}})


def test_the_rated_dimensions_reach_the_case_view_and_older_forms_still_fold() -> None:
    from sync.domain.projection import fold, view_from_dict, view_to_dict

    from .factories import Chain, registered_payload, signature_ref

    chain = Chain()
    old, new = registered_payload(), registered_payload(case_no="CS01-20261123-0002")
    for reg in (old, new):
        cid = reg["case_id"]
        chain.add("case.registered", reg)
        chain.add("case.accept", {"case_id": cid, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
        chain.add("case.deliver", {"case_id": cid})
        chain.center("case.center_accept", {"case_id": cid})
        chain.center("case.center_complete", {"case_id": cid, "result": "已办结"})
    chain.add("case.give_feedback", {"case_id": old["case_id"], "rating": 5})  # before dimensions existed
    content = feedback_content(new["case_id"], True, 4, {}, {"attitude": 2, "efficiency": 5})
    chain.add("case.give_feedback", {**content, "signature": signature_ref("张三", "委托人", content)})
    views = fold(chain.events)
    assert views[old["case_id"]].rating_dimensions == ()
    rated = views[new["case_id"]]
    assert rated.rating_dimensions == (("efficiency", 5), ("attitude", 2))  # in DIMENSIONS order
    assert view_from_dict(view_to_dict(rated)) == rated
    stored_before = {k: v for k, v in view_to_dict(rated).items() if k != "rating_dimensions"}
    assert view_from_dict(stored_before).rating_dimensions == ()
