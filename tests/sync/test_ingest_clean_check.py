"""``ingest.payload_is_clean``: the one-pass check that lets clean payloads skip the per-character walk must
never call a payload clean that ``text.find_bad_text`` would refuse."""

from __future__ import annotations

from sync.domain.text import find_bad_text
from sync.server.services.ingest import payload_is_clean

EXTRA = [0xF0000, 0xFFFFE, 0xFFFFF, 0x1FFFE, 0x10FFFD, 0x10FFFE, 0x10FFFF, 0x20BB7]


def test_no_refused_code_point_passes_as_clean() -> None:
    for cp in [*range(0x11000), *EXTRA]:
        char = chr(cp)
        for payload in ({"k": char}, {char: 1}, {"a": [f"x{char}y"]}, {"a": {"b": "\\" + char}}):
            if find_bad_text(payload) is not None:
                assert not payload_is_clean(payload), (hex(cp), payload)


def test_ordinary_payloads_are_clean() -> None:
    assert payload_is_clean({"applicant": {"name": "阿依古丽·买买提", "address": "𠮷家村\n二组"}, "copies": 1})
