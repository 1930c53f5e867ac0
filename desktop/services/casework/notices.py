"""一次性告知 lines: each missing material with its form, copies and how to obtain it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sync.domain.catalog import ServiceItem
from sync.domain.model import MaterialItem


def notice_lines(
    item: ServiceItem | None, materials: Iterable[MaterialItem], names: Sequence[str]
) -> list[dict[str, Any]]:
    """One line per name, taking the standard from the catalog (else from the case's checklist)."""
    reqs = {m.name: m for m in item.materials} if item else {}
    mats = {m.name: m for m in materials}
    lines = []
    for name in names:
        req = reqs.get(name)
        mat = mats.get(name)
        original = req.original if req else (mat.original if mat else True)
        lines.append(
            {
                "name": name,
                "form": "原件" if original else "复印件",
                "copies": req.copies if req else (mat.copies if mat else 1),
                "how_to_obtain": req.how_to_obtain if req else "",
            }
        )
    return lines
