"""Build the preset deflate dictionary of push bodies: ``python -m bench.sync_dictionary``.

The dictionary (``sync.protocol.push_dictionary_v1``) is the JSON of one synthetic
typical case's push batch in the compact form the client sends (see
``sync.protocol.encoding``), with every hash, id, time and stroke emptied: the
structure, the keys and the usual Chinese terms, nothing that identifies a
person (the sample applicant's 身份证 number and phone are left empty).

A shipped dictionary never changes: a station and a center that agree on
``dbt-zdict-1`` must inflate the same bytes. A better sample makes a new
version (and a new coding name); this script is kept so that ``build(1)`` and
``build(2)`` reproduce their versions exactly (tested).

Version 2 (``dbt-zdict-2``) follows that coding's compact signature references:
the registration carries the signed 委托书 (its scope and two signatures), and
every signed event its references in ``signed``, each with its ink and without
the hashes the center recomputes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sync.domain.entrustment import DEFAULT_SCOPE

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {v: ROOT / "sync" / "protocol" / f"push_dictionary_v{v}.py" for v in (1, 2)}
TARGET = TARGETS[1]

#: A synthetic villager and clerk (no real person); hashes, ids and times are empty.
TIME = "2026-01-01T00:00:00.000+00:00"
_APPLICANT = {"name": "张三", "id_number": "", "phone": "", "address": "一组", "special_groups": []}
_MATERIALS = [
    {"name": "身份证", "original": True, "copies": 1, "required": True, "present": True},
    {"name": "户口本", "original": True, "copies": 1, "required": True, "present": True},
    {"name": "一寸照片", "original": True, "copies": 2, "required": False, "present": True},
]
_ITEMS = [
    {"name": "身份证", "original": True, "copies": 1, "pages": 0},
    {"name": "户口本", "original": True, "copies": 1, "pages": 0},
]


def _ink(signer: str, role: str) -> dict[str, Any]:
    return {
        "v": 1,
        "signer": signer,
        "role": role,
        "method": "pad",
        "captured_at": TIME,
        "box": [600, 200],
        "strokes": [],
    }


def _ref(signer: str, role: str) -> dict[str, str]:
    return {"signer": signer, "role": role, "signature_sha256": "", "content_sha256": ""}


def _handover(source: str, target: str) -> dict[str, Any]:
    signers = (("张三", "委托人"), ("李代办", "代办员"))
    return {
        "case_id": "",
        "from": source,
        "to": target,
        "items": _ITEMS,
        "note": "",
        "signatures": [_ref(*s) for s in signers],
        "signature_data": {"": _ink(*signers[0]), " ": _ink(*signers[1])},
    }


def sample_batch() -> dict[str, Any]:
    """One typical case (registered … archive) as a compact push body, every variable value emptied."""
    payloads: list[tuple[str, dict[str, Any]]] = [
        (
            "case.registered",
            {
                "case_id": "",
                "case_no": "CS01-2026",
                "kind": "agency",
                "case_type": "promised",
                "applicant": _APPLICANT,
                "item": {"code": "", "name": "城乡居民养老保险参保登记", "department": "镇社保所", "promised_days": 5},
                "materials": _MATERIALS,
            },
        ),
        ("case.handover", _handover("villager", "clerk")),
        ("case.accept", {"case_id": "", "accepted_on": "2026-01-01", "due_on": "2026-01-01"}),
        ("case.deliver", {"case_id": ""}),
        ("case.handover", _handover("clerk", "villager")),
        (
            "case.give_feedback",
            {
                "case_id": "",
                "result_confirmed": True,
                "rating": 5,
                "comments": {},
                "signature": _ref("张三", "委托人"),
                "signature_data": {"": _ink("张三", "委托人")},
            },
        ),
        ("case.archive", {"case_id": ""}),
    ]
    events: list[dict[str, Any]] = []
    for n, (kind, payload) in enumerate(payloads):
        event: dict[str, Any] = {"id": "", "station_id": "", "seq": n + 1, "type": kind, "payload": payload}
        event |= {"actor": "李代办", "occurred_at": TIME}
        if n == 0:
            event["prev_hash"] = ""
        events.append(event | {"origin": "station"})
    events[-1]["hash"] = ""
    return {"batch_id": "", "station_id": "", "events": events}


def _signed_entry(signer: str, role: str) -> dict[str, Any]:
    """A compact reference of ``dbt-zdict-2``: the ink without the signer and role it repeats."""
    ink = {k: v for k, v in _ink(signer, role).items() if k not in ("signer", "role")}
    return {"signer": signer, "role": role, "ink": ink}


def sample_batch_v2() -> dict[str, Any]:
    """Version 2: the registration signed (委托书 scope + references), references compacted into ``signed``."""
    batch = sample_batch()
    signers = (("张三", "委托人"), ("李代办", "代办员"))
    for event in batch["events"]:
        payload = event["payload"]
        if event["type"] == "case.registered":
            payload["scope"] = DEFAULT_SCOPE
        elif event["type"] == "case.give_feedback":
            payload.pop("signature")
            payload.pop("signature_data")
            event["signed"] = [_signed_entry(*signers[0])]
            continue
        elif event["type"] != "case.handover":
            continue
        payload.pop("signatures", None)
        payload.pop("signature_data", None)
        event["signed"] = [_signed_entry(*s) for s in signers]
    return batch


def build(version: int = 1) -> str:
    if version == 1:
        return json.dumps(sample_batch(), ensure_ascii=False, separators=(",", ":"))
    if version == 2:
        return json.dumps(sample_batch_v2(), ensure_ascii=False, separators=(",", ":"))
    raise ValueError(f"no recipe for dictionary version {version}")


def _literal(chunk: str) -> str:
    """``repr`` of a chunk, in double quotes when it holds none (as ruff format writes it)."""
    text = repr(chunk)
    return f'"{text[1:-1]}"' if text.startswith("'") and '"' not in chunk else text


def module_text(dictionary: str, version: int = 1) -> str:
    """The generated module: the dictionary in chunks of 40 characters (literals as ruff format keeps them)."""
    chunks = [dictionary[i : i + 40] for i in range(0, len(dictionary), 40)]
    body = "".join(f"    {_literal(chunk)}\n" for chunk in chunks)
    return (
        f'"""Preset deflate dictionary of push bodies, version {version} '
        "(generated by ``python -m bench.sync_dictionary``).\n\n"
        "Frozen: never edit; a new dictionary is a new module and a new coding name.\n"
        '"""\n\n'
        f"DICTIONARY = (\n{body})\n"
    )


def main() -> None:
    for version, target in TARGETS.items():
        text = module_text(build(version), version)
        if "--check" in sys.argv:
            if target.read_text(encoding="utf-8") != text:
                sys.exit(1)
            continue
        target.write_text(text, encoding="utf-8")
        print(f"{target.relative_to(ROOT)}: {len(build(version).encode('utf-8'))} bytes")  # noqa: T201


if __name__ == "__main__":
    main()
