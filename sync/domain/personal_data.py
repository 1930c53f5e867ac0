"""Which values of an event payload or a case document are personal, and how they are masked.

The 身份证 number, the phone and the signature ink (``signature_data``) are sealed wherever they are
stored, at the station and at the town center: a stored row keeps its JSON with those values *masked*
(``110105********002X``, ``138****8000``; ink left out) and the real values beside it in one envelope
(``sync.crypto``). ``split`` makes the masked tree and the list of real values with their paths;
``merge`` puts them back, so that hash chains, sync and printing see the plaintext event as it was
hashed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from .validation import mask_id_number, mask_phone, normalize_id_number

#: Keys whose values are sealed, at any depth of a payload or a case document.
SENSITIVE = frozenset({"id_number", "phone", "signature_data"})

Path = list[str | int]
Secrets = list[list[Any]]  # [[path, value], ...]


def masked_phone(phone: str) -> str:
    """138****8000 for a mobile; a landline keeps its area code and last four digits (0731-***8888)."""
    phone = phone.strip()
    masked = mask_phone(phone)
    if masked != phone or not phone:
        return masked
    area, _, number = phone.rpartition("-")
    if area and len(number) > 4:
        return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    return "*" * max(0, len(phone) - 4) + phone[-4:]


def normalized_phone(phone: str) -> str:
    return re.sub(r"[\s\-－]", "", phone)


def _masked(key: str, value: Any) -> Any:
    if key == "id_number" and isinstance(value, str):
        return mask_id_number(normalize_id_number(value))
    if key == "phone" and isinstance(value, str):
        return masked_phone(value)
    return None  # ink and anything else: left out


def split(tree: Any, path: Path | None = None, secrets: Secrets | None = None) -> tuple[Any, Secrets]:
    """(``tree`` with every sensitive value masked or left out, [[path, real value], ...])."""
    path = path or []
    secrets = [] if secrets is None else secrets
    if isinstance(tree, Mapping):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            if key in SENSITIVE and value not in (None, "", {}, []):
                secrets.append([[*path, key], value])
                masked = _masked(key, value)
                if masked is not None:
                    out[key] = masked
            else:
                out[key] = split(value, [*path, key], secrets)[0]
        return out, secrets
    if isinstance(tree, list):
        return [split(v, [*path, i], secrets)[0] for i, v in enumerate(tree)], secrets
    return tree, secrets


def merge(tree: Any, secrets: Secrets) -> Any:
    """``tree`` with the real values put back (a copy; idempotent on a tree that already has them)."""
    out = copy.deepcopy(tree)
    for path, value in secrets:
        node = out
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
    return out
