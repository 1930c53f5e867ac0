"""The demo PDF of every form, by file name (used by ``python -m forms demo`` and the tests)."""

from __future__ import annotations

from collections.abc import Callable

from forms import demo, entrustment

DEMO_FILES: dict[str, Callable[[], bytes]] = {
    "代办服务委托书.pdf": lambda: entrustment.render(demo.entrustment()),
}
