"""The services as the UI sees them, with the one ``changed`` signal views refresh from."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.services import cases, printing, station, sync
from desktop.services.context import ServiceContext
from desktop.services.records import CaseDraft, CaseSummary, Changed, StationInfo
from sync.domain.catalog import Catalog


class StationFacade(QObject):
    """Thin adapter: every method may run on a worker thread (no widgets here)."""

    changed = Signal(object)  # Changed

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx

    @property
    def station(self) -> StationInfo:
        return station.require_station(self.ctx)

    @property
    def catalog(self) -> Catalog:
        return self.ctx.catalog

    def register_case(self, draft: CaseDraft) -> Changed:
        return cases.register_case(self.ctx, draft)

    def list_cases(self, text: str = "", state: str | None = None) -> list[CaseSummary]:
        return cases.list_cases(self.ctx, text, state)

    def entrustment_pdf(self, case_id: str) -> bytes:
        return printing.entrustment_pdf(self.ctx, case_id)

    def sync_status(self) -> str:
        return sync.status(self.ctx).label

    def sync_now(self) -> Changed:
        return sync.sync_now(self.ctx)

    def sync_now_with_progress(self, report: Callable[[int, int], None]) -> Changed:
        return sync.sync_now(self.ctx, progress=report)

    def connect_center(self, server_url: str, enrollment_code: str) -> Changed:
        return sync.connect_center(self.ctx, server_url, enrollment_code)
