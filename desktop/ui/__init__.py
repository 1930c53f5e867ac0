"""The station app's PySide6 user interface (the only package that imports Qt)."""

from .none_guard import keep_none_alive

keep_none_alive()
