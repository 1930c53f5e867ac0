"""Every form with its demo record and the fields it deliberately does not print."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forms import demo, entrustment


@dataclass(frozen=True)
class FormCase:
    id: str
    record: Callable[[], Any]
    render: Callable[[Any], bytes]
    skip: frozenset[str] = frozenset()

    def pdf(self) -> bytes:
        return self.render(self.record())


CASES = [
    FormCase("entrustment", demo.entrustment, entrustment.render),
]
