"""Writes cases in a loop until killed: ``python -m tests.desktop.store.crash_writer DATA_DIR``.

After each committed case it prints ``<case_id>`` and flushes, so the parent
knows which cases were committed before the kill.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.station import current_station, setup_station
from sync.domain.clock import FixedClock
from tests.desktop.conftest import complete_draft, signed


def main(data_dir: Path) -> None:
    ctx = ServiceContext.open(data_dir, FixedClock.on(date(2026, 11, 23)))
    if current_station(ctx) is None:
        setup_station(ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办")
    draft = complete_draft(ctx)
    incomplete = signed(ctx, replace(draft, materials=tuple(replace(m, present=False) for m in draft.materials)))
    n = 0
    while True:
        changed = register_case(ctx, incomplete if n % 3 == 0 else draft)
        sys.stdout.write(changed.case_ids[0] + "\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]))
