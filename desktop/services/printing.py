"""Printing: gather a case's data and render its forms (PDF bytes) with ``forms``."""

from __future__ import annotations

from .context import ServiceContext


def entrustment_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    raise NotImplementedError  # wired to forms.entrustment once it lands
